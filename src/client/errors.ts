/** A UDM server refused or failed a request; `status` and `code` come from its response. */
export class UdmClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | number | undefined,
    message: string,
    readonly url: string,
  ) {
    super(message)
    this.name = 'UdmClientError'
  }
}

/** The dataset cannot be used the way it was asked (no location of that kind, no schema yet, ...). */
export class DatasetUsageError extends Error {
  constructor(
    readonly dataset: string,
    message: string,
  ) {
    super(`${dataset}: ${message}`)
    this.name = 'DatasetUsageError'
  }
}
