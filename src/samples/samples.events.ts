import type { Verdict } from '../db/types.js'

/** Event types of recording lab results and their payloads. */
export interface SampleEventPayloads {
  'sample.recorded': { sampleId: string; no: string; verdict: Verdict }
  'samples.imported': { importId: string; hash: string; samples: number; failing: number; rows: number }
}
