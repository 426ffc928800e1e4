import { defineRepoRule } from './define.js';
import { configFinding, gitBool } from './lib/config.js';
import { effective } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'tls-verification-enabled',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const found = new FindingList(ctx.findingLimit);
    // http.sslVerify and every per-URL http.<url>.sslVerify: each key's last value decides.
    const keys = [
      ...new Set(config.map((e) => e.key).filter((k) => k.startsWith('http.') && k.endsWith('.sslverify'))),
    ];
    for (const key of keys) {
      const e = effective(config, key)!;
      if (gitBool(e.value) === false) {
        const url = key === 'http.sslverify' ? 'every HTTPS remote' : key.slice('http.'.length, -'.sslverify'.length);
        found.add(configFinding(e, `TLS certificate checking is off for ${url}: ${key}=${e.value ?? ''} (${e.scope})`));
      }
    }
    return found.evaluation();
  },
});
