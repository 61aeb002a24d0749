/**
 * kafkalite's msgpackr options, every one spelled out (msgpackr's defaults are not ours to
 * inherit): no record structures or shared state between calls (a reader in another process could
 * not know them), objects stay plain objects, numbers keep float64 precision, `undefined`
 * round-trips, maps of any size work. The file store and the bus's Kafka transport both build
 * their Packr from this; they differ only in `copyBuffers`, which each sets itself.
 */
export const MSGPACK_OPTIONS = Object.freeze({
  useRecords: false,
  structuredClone: false,
  sequential: false,
  maxSharedStructures: 0,
  mapsAsObjects: true,
  variableMapSize: true,
  coercibleKeyAsNumber: false,
  allowArraysInMapKeys: false,
  mapAsEmptyObject: false,
  setAsEmptyObject: false,
  moreTypes: false,
  useToJSON: false,
  useFloat32: 0,
  useTimestamp32: false,
  bundleStrings: false,
  encodeUndefinedAsNil: false,
  int64AsType: 'bigint',
  largeBigIntToFloat: false,
  largeBigIntToString: false,
  useBigIntExtension: false,
} as const)
