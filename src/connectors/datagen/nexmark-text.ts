import { Rng, type StreamKey, streamKey } from './random.ts'

/** Nexmark draws a blank (or '_' in URLs) in place of a letter one time in 13. */
const BLANK_ONE_IN = 13
const MIN_STRING_LENGTH = 3
const POOL_LENGTH = 1 << 16

/**
 * Random text in the shapes the Nexmark generator uses. Building strings character by character would
 * dominate generation time (a bid's `extra` alone is ~68 characters), so strings are slices of two
 * pre-drawn pools, at random offsets: V8 shares a slice's characters with its pool instead of copying
 * them. Lengths and character frequencies match Nexmark's; only the text repeats across slices.
 */
export class NexmarkText {
  /** Lowercase letters, for `extra`. */
  private readonly letters: string
  /** Lowercase letters with blanks, for names and descriptions. */
  private readonly words: string

  constructor(seed: number) {
    const rng = new Rng()
    rng.seedRow(streamKey(seed, 'nexmark.text'), 0)
    this.letters = drawText(rng, POOL_LENGTH, '')
    this.words = drawText(rng, POOL_LENGTH, ' ')
  }

  /** A string of 3 to maxLength - 1 letters and blanks, trimmed. */
  string(rng: Rng, maxLength: number): string {
    const length = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH)
    const start = rng.nextInt(POOL_LENGTH - length)
    return this.words.substring(start, start + length).trim()
  }

  /**
   * Letters that pad an event whose fields take `currentSize` bytes to `desiredAverageSize` on average:
   * the padding is uniform within ±20% of the shortfall.
   */
  extra(rng: Rng, currentSize: number, desiredAverageSize: number): string {
    if (currentSize > desiredAverageSize) return ''
    const shortfall = desiredAverageSize - currentSize
    const delta = Math.round(shortfall * 0.2)
    const length = shortfall - delta + (delta === 0 ? 0 : rng.nextInt(2 * delta))
    const start = rng.nextInt(POOL_LENGTH - length)
    return this.letters.substring(start, start + length)
  }
}

/** `length` random lowercase letters, with `blank` (if any) in place of one letter in 13. */
function drawText(rng: Rng, length: number, blank: string): string {
  const codes = Buffer.allocUnsafe(length)
  const blankCode = blank.charCodeAt(0)
  for (let i = 0; i < length; i++) {
    codes[i] = blank !== '' && rng.nextInt(BLANK_ONE_IN) === 0 ? blankCode : 97 + rng.nextInt(26)
  }
  return codes.toString('latin1')
}

const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const
const NUMBERED_CHANNELS = 10_000
/** One bid in HOT_CHANNELS_RATIO comes from a numbered channel, the rest from the hot ones. */
const HOT_CHANNELS_RATIO = 2
/** Nine in ten numbered channels tag their URL with a channel id. */
const TAGGED_URLS_ONE_IN = 10

/**
 * Bid channels and their URLs: four hot channels and 10,000 numbered ones ('channel-<n>'), as in Flink's
 * Nexmark. Each channel's URL is fixed per seed and built the first time the channel is drawn.
 */
export class BidChannels {
  private readonly key: StreamKey
  private readonly rng = new Rng()
  private readonly names: (string | undefined)[] = []
  private readonly urls: (string | undefined)[] = []

  constructor(seed: number) {
    this.key = streamKey(seed, 'nexmark.channel')
  }

  /** A channel number: numbered channels are 0..9999, hot ones follow. */
  next(rng: Rng): number {
    return rng.nextInt(HOT_CHANNELS_RATIO) > 0
      ? NUMBERED_CHANNELS + rng.nextInt(HOT_CHANNELS.length)
      : rng.nextInt(NUMBERED_CHANNELS)
  }

  nameOf(channel: number): string {
    this.names[channel] ??=
      channel >= NUMBERED_CHANNELS ? HOT_CHANNELS[channel - NUMBERED_CHANNELS]! : `channel-${channel}`
    return this.names[channel]
  }

  urlOf(channel: number): string {
    this.urls[channel] ??= this.buildUrl(channel)
    return this.urls[channel]
  }

  private buildUrl(channel: number): string {
    const rng = this.rng
    rng.seedRow(this.key, channel)
    const segment = (): string => drawText(rng, MIN_STRING_LENGTH + rng.nextInt(2), '_')
    const url = `https://www.nexmark.com/${segment()}/${segment()}/${segment()}/item.htm?query=1`
    const tagged = channel < NUMBERED_CHANNELS && rng.nextInt(TAGGED_URLS_ONE_IN) > 0
    return tagged ? `${url}&channel_id=${Math.abs(reverseBits32(channel))}` : url
  }
}

/** Java's Integer.reverse: the 32 bits of `value` in reverse order, as a signed int. */
function reverseBits32(value: number): number {
  let v = value | 0
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1)
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2)
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4)
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8)
  return (v >>> 16) | (v << 16)
}
