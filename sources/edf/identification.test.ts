import { describe, expect, it } from 'vitest';
import { formatPatient, formatRecording, parseEdfPlusDate, parsePatient, parseRecording } from './identification.js';

describe('EDF+ identification subfields', () => {
  it('parses the patient subfields and turns X into null', () => {
    expect(parsePatient('MCH-0234567 F 02-MAY-1951 Haagse_Harry extra')).toEqual({
      code: 'MCH-0234567',
      sex: 'F',
      birthdate: '1951-05-02',
      name: 'Haagse_Harry',
      additional: ['extra'],
    });
    expect(parsePatient('X X X X')).toEqual({ code: null, sex: null, birthdate: null, name: null, additional: [] });
  });

  it('returns null for fields that do not follow the EDF+ structure', () => {
    expect(parsePatient('John')).toBeNull();
    expect(parseRecording('some lab recording')).toBeNull();
  });

  it('parses the recording subfields after Startdate', () => {
    expect(parseRecording('Startdate 02-MAR-2002 PSG-1234/2002 NN Telemetry03')).toEqual({
      startdate: '2002-03-02',
      adminCode: 'PSG-1234/2002',
      technician: 'NN',
      equipment: 'Telemetry03',
      additional: [],
    });
  });

  it('rejects impossible dates', () => {
    expect(parseEdfPlusDate('32-JAN-2001')).toBeNull();
    expect(parseEdfPlusDate('01-FOO-2001')).toBeNull();
    expect(parseEdfPlusDate('1-JAN-2001')).toBeNull();
  });

  it('formats subfields with X for unknown and underscores for spaces', () => {
    expect(formatPatient({ code: 'P 1', sex: 'M', birthdate: '1970-12-31', name: null })).toBe('P_1 M 31-DEC-1970 X');
    expect(formatRecording({ equipment: 'Sample generator' }, '2024-01-05')).toBe('Startdate 05-JAN-2024 X X Sample_generator');
  });
});
