/**
 * The gateway's admission control (gateway/admission.ts): how many client operations run at once,
 * how many wait and for how long, and the slots kept for mutations, for `config.ts`.
 */
import { DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from '../gateway/admission';
import { wholeNumber } from './config-values';

/** Upper bounds of the settings: far past what one gateway process can hold, low enough to catch a typo's extra digits. */
const MAX_IN_FLIGHT = 10_000;
const MAX_QUEUED = 100_000;
/** A minute: a client waiting longer has long given up, and its socket with it. */
const MAX_QUEUE_WAIT_MS = 60_000;

/** Bounds of `POST /graphql` on each gateway instance; past them requests are refused with 503 and `Retry-After`. */
export const GATEWAY_ADMISSION_SETTINGS = {
  /** Operations executing at once on one gateway (queries and mutations together). There is no "off": set it high instead. */
  GATEWAY_MAX_IN_FLIGHT: wholeNumber(1, MAX_IN_FLIGHT).default(DEFAULT_ADMISSION_LIMITS.maxInFlight),
  /** Requests waiting for a slot on one gateway; 0 refuses at once when every slot is busy. */
  GATEWAY_MAX_QUEUED: wholeNumber(0, MAX_QUEUED).default(DEFAULT_ADMISSION_LIMITS.maxQueued),
  /** Longest a request waits for a slot before it is refused, in milliseconds. */
  GATEWAY_MAX_QUEUE_WAIT_MS: wholeNumber(1, MAX_QUEUE_WAIT_MS).default(DEFAULT_ADMISSION_LIMITS.maxQueueWaitMs),
  /** Slots of GATEWAY_MAX_IN_FLIGHT only mutations may use, so a flood of reads cannot keep a till's return out; below GATEWAY_MAX_IN_FLIGHT. */
  GATEWAY_WRITE_RESERVE: wholeNumber(0, MAX_IN_FLIGHT - 1).default(DEFAULT_ADMISSION_LIMITS.writeReserve),
};

type AdmissionConfig = { [Name in keyof typeof GATEWAY_ADMISSION_SETTINGS]: number };

/** Reports settings that cannot work together: a write reserve that leaves reads no slot. */
export function checkAdmissionSettings(config: AdmissionConfig, problem: (path: string, message: string) => void): void {
  if (config.GATEWAY_WRITE_RESERVE >= config.GATEWAY_MAX_IN_FLIGHT) {
    problem('GATEWAY_WRITE_RESERVE', `must be below GATEWAY_MAX_IN_FLIGHT (${config.GATEWAY_MAX_IN_FLIGHT}), or queries could never run`);
  }
}

/** The gateway's admission limits of a validated configuration. */
export function admissionLimits(config: AdmissionConfig): AdmissionLimits {
  return {
    maxInFlight: config.GATEWAY_MAX_IN_FLIGHT,
    maxQueued: config.GATEWAY_MAX_QUEUED,
    maxQueueWaitMs: config.GATEWAY_MAX_QUEUE_WAIT_MS,
    writeReserve: config.GATEWAY_WRITE_RESERVE,
  };
}
