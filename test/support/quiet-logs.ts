import { logLevelFromTestEnv } from '../processes/child-logs';

// Jest setup file: test output stays readable (silent) unless LOG_LEVEL asks for log lines.
logLevelFromTestEnv();

// Node's default stack depth, which Jest raises to 100 for its own reports. The tests run the graph
// in-process, where every refused input makes several errors, and capturing and source-mapping 100
// frames for each was a fifth of the input fuzz's run. Production captures 10; no test reads a
// deeper stack, and a failing test's report still shows the 10 frames nearest the failure.
Error.stackTraceLimit = 10;
