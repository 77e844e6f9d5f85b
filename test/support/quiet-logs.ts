import { logLevelFromTestEnv } from '../processes/child-logs';

// Jest setup file: test output stays readable (silent) unless LOG_LEVEL asks for log lines.
logLevelFromTestEnv();
