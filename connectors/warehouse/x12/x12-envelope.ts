import type { X12FunctionalGroup, X12Interchange, X12Transaction } from 'node-x12';
import type { WarehouseLineError } from '../port';
import { lineError, WarehouseErrorCode } from '../errors';
import { SUPPORTED_SETS } from './x12-codes';
import { element } from './x12-segments';

/**
 * The envelope checks: every header has its trailer, ISA13 = IEA02 and IEA01 = the number of
 * groups; GS06 = GE02 and GE01 = the number of sets; ST02 = SE02; a set is in the group of its
 * kind (944 in RE, 947 in AW). node-x12's strict parser already refuses the whole file for most
 * count and control-number mismatches; these checks hold where it does not (a missing GE, a
 * misfiled set). A broken interchange refuses every set in it; a broken group, its sets; a broken
 * set, itself.
 */

const mismatch = (text: string): WarehouseLineError => lineError(null, null, WarehouseErrorCode.ENVELOPE_MISMATCH, text);
const sameNumber = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && /^\d+$/.test(a) && Number(a) === Number(b);

/** Errors of the interchange's own header and trailer. */
export function interchangeErrors(interchange: X12Interchange): WarehouseLineError[] {
  const trailer = interchange.trailer;
  if (!trailer || trailer.tag !== 'IEA') return [mismatch('The interchange has no IEA trailer.')];
  const errors: WarehouseLineError[] = [];
  if (!sameNumber(element(interchange.header, 13), element(trailer, 2)))
    errors.push(mismatch('IEA02 does not repeat the interchange control number of ISA13.'));
  if (Number(element(trailer, 1)) !== interchange.functionalGroups.length) {
    errors.push(mismatch(`IEA01 does not count the ${interchange.functionalGroups.length} functional group(s).`));
  }
  return errors;
}

/** Errors of one functional group's header and trailer. */
export function groupErrors(group: X12FunctionalGroup): WarehouseLineError[] {
  const control = element(group.header, 6) ?? '?';
  const trailer = group.trailer as X12FunctionalGroup['trailer'] | undefined;
  if (!trailer || trailer.tag !== 'GE') return [mismatch(`Functional group ${control} has no GE trailer.`)];
  const errors: WarehouseLineError[] = [];
  if (!sameNumber(element(group.header, 6), element(trailer, 2))) errors.push(mismatch(`GE02 does not repeat the group control number of GS06 (${control}).`));
  if (Number(element(trailer, 1)) !== group.transactions.length) {
    errors.push(mismatch(`GE01 does not count the ${group.transactions.length} transaction set(s) of group ${control}.`));
  }
  return errors;
}

/** Errors of one transaction set's header and trailer, and whether the subset reads it in this group. */
export function transactionErrors(transaction: X12Transaction, group: X12FunctionalGroup): WarehouseLineError[] {
  const control = element(transaction.header, 2) ?? '?';
  const set = element(transaction.header, 1) ?? '';
  const trailer = transaction.trailer as X12Transaction['trailer'] | undefined;
  if (!trailer || trailer.tag !== 'SE') return [mismatch(`Transaction set ${control} has no SE trailer.`)];
  if (!sameNumber(element(transaction.header, 2), element(trailer, 2))) return [mismatch(`SE02 does not repeat the control number of ST02 (${control}).`)];
  const functionalId = (SUPPORTED_SETS as Record<string, string>)[set];
  if (!functionalId) {
    return [
      lineError(null, null, WarehouseErrorCode.UNSUPPORTED_TRANSACTION_SET, `Transaction set ${control} is a ${set.slice(0, 3)}; only 944 and 947 are read.`),
    ];
  }
  if (element(group.header, 1) !== functionalId) return [mismatch(`Transaction set ${control} (${set}) must be in a group with GS01 ${functionalId}.`)];
  return [];
}
