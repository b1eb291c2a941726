const SAMPLE_EVERY_MS = 50

/**
 * Samples the process's resident set size while a measurement runs and keeps the largest. RSS covers the
 * whole process, so worker threads' heaps are included. Samples land when the event loop gets a turn
 * (SQL sources yield at least every 100 ms), which is often enough for a peak of a multi-second run.
 */
export class PeakRss {
  private peak = process.memoryUsage.rss()
  private readonly timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS)

  /** Stops sampling and returns the peak in megabytes. */
  stop(): number {
    clearInterval(this.timer)
    this.sample()
    return Math.round(this.peak / 1e6)
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss())
  }
}
