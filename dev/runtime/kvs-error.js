// A refusal of the KVS API: answered as a non-2xx status with {code, message}, which @forge/kvs
// turns into a ForgeKvsAPIError carrying the same code.
export class KvsError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
