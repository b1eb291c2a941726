import {
  attached,
  cumulate,
  type WindowSpec as EngineWindowSpec,
  hop,
  session,
  tumble,
} from '../../engine/index.ts'
import type { WindowSpec } from '../plan/nodes.ts'

export function engineWindow(window: WindowSpec): EngineWindowSpec {
  switch (window.type) {
    case 'TUMBLE':
      return tumble(window.sizeMs, window.offsetMs)
    case 'HOP':
      return hop(window.slideMs, window.sizeMs, window.offsetMs)
    case 'CUMULATE':
      return cumulate(window.stepMs, window.maxSizeMs, window.offsetMs)
    case 'SESSION':
      // The window aggregate keeps sessions per group key, and the binder groups by the PARTITION BY keys.
      return session(window.gapMs)
    case 'ATTACHED':
      return attached(window.start)
  }
}
