// The unit and git projects' test environment: jest's node environment, its CPU per file recorded
// for `npm run test:cpu` (test/helpers/cpu-record.mjs; nothing is read in a plain run).
import { TestEnvironment } from 'jest-environment-node';
import { recordingCpu } from './cpu-record.mjs';

export default recordingCpu(TestEnvironment);
