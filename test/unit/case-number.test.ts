import { describe, expect, it } from 'vitest';
import {
  CASE_NUMBER_PATTERN,
  caseNumbersIn,
  caseWorkflowId,
  formatCaseNumber,
  normaliseCaseNumber,
  TYPED_CASE_NUMBER,
  withoutCaseNumberTags,
} from '../../domain/case-number';

describe('case numbers', () => {
  it('are CAS- and at least five digits', () => {
    expect(formatCaseNumber(1000)).toBe('CAS-01000');
    expect(formatCaseNumber(7)).toBe('CAS-00007');
    expect(formatCaseNumber(123456)).toBe('CAS-123456');
  });

  it('CASE_NUMBER_PATTERN accepts exactly the written form', () => {
    expect(CASE_NUMBER_PATTERN.test('CAS-01000')).toBe(true);
    expect(CASE_NUMBER_PATTERN.test('CAS-123456')).toBe(true);
    expect(CASE_NUMBER_PATTERN.test('CAS-1000')).toBe(false);
    expect(CASE_NUMBER_PATTERN.test('cas-01000')).toBe(false);
    expect(CASE_NUMBER_PATTERN.test('xCAS-01000')).toBe(false);
    expect(CASE_NUMBER_PATTERN.test('CAS-01000x')).toBe(false);
    expect(CASE_NUMBER_PATTERN.test('CAS-0100a')).toBe(false);
  });

  it('caseNumbersIn finds each written case number once, in upper case, as whole words', () => {
    expect(caseNumbersIn('Re: [CAS-01000] and cas-01001, again CAS-01000')).toEqual(['CAS-01000', 'CAS-01001']);
    expect(caseNumbersIn('CAS-0100 xCAS-01002 CAS-01003x CAS-01004')).toEqual(['CAS-01004']);
    expect(caseNumbersIn('no number here')).toEqual([]);
  });

  it('withoutCaseNumberTags drops our [CAS-…] tags, in any case and spacing, everywhere', () => {
    expect(withoutCaseNumberTags('Re: [CAS-01000] Printer [ cas-01001 ] offline')).toBe('Re:   Printer   offline');
    expect(withoutCaseNumberTags('CAS-01000 stays without brackets; [CAS-1000] too short')).toBe('CAS-01000 stays without brackets; [CAS-1000] too short');
  });

  it('normaliseCaseNumber reads what people type', () => {
    expect(normaliseCaseNumber('CAS-01000')).toBe('CAS-01000');
    expect(normaliseCaseNumber('status of cas 1000 please')).toBe('CAS-01000');
    expect(normaliseCaseNumber('CAS1000')).toBe('CAS-01000');
    expect(normaliseCaseNumber('CAS-1234567')).toBe('CAS-1234567');
    expect(normaliseCaseNumber('CAS-123')).toBeUndefined();
    expect(normaliseCaseNumber('CAS-12345678')).toBeUndefined();
    expect(normaliseCaseNumber('xCAS-01000')).toBeUndefined();
    expect(normaliseCaseNumber('CAS--1000')).toBeUndefined();
    expect(normaliseCaseNumber('hello')).toBeUndefined();
    expect(TYPED_CASE_NUMBER.flags).toContain('i');
  });

  it('the workflow id is derived from the case number', () => {
    expect(caseWorkflowId('CAS-01000')).toBe('case-CAS-01000');
  });
});
