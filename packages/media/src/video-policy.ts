import { INPUT, OUTPUT } from './ffmpeg-runner.ts';
import type { VideoInfo } from './video-tool.ts';

/**
 * Immich's default playback policy: H.264 + AAC in MP4, CRF 23, preset ultrafast, 720 px short
 * side; transcode only when the video is not H.264 or not 4:2:0, otherwise remux (copy).
 */
export const PLAYBACK_POLICY = {
  videoCodec: 'h264',
  audioCodec: 'aac',
  crf: 23,
  preset: 'ultrafast',
  shortSide: 720,
  pixelFormat: 'yuv420p',
} as const;

/** Whether `info` needs a real transcode for playback, or only a remux. */
export function needsTranscode(info: VideoInfo): boolean {
  return info.codec !== PLAYBACK_POLICY.videoCodec || !/^yuvj?420p$/.test(info.pixelFormat);
}

/** ffprobe arguments giving JSON on stdout. */
export function probeArgs(): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', INPUT];
}

/** Scale so the displayed short side is at most `side`, even dimensions, never enlarged. */
function scaleFilter(side: number): string {
  return `scale='if(gt(iw,ih),-2,min(${side},iw))':'if(gt(iw,ih),min(${side},ih),-2)'`;
}

/** Arguments for the playback file (transcode or remux). ffmpeg applies rotation when it re-encodes. */
export function playbackArgs(info: VideoInfo): { action: 'transcode' | 'remux'; args: string[] } {
  const audio =
    info.audioCodec === undefined
      ? ['-an']
      : info.audioCodec === PLAYBACK_POLICY.audioCodec
        ? ['-c:a', 'copy']
        : ['-c:a', 'aac', '-b:a', '128k'];
  const common = ['-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '-1'];
  if (!needsTranscode(info)) {
    return {
      action: 'remux',
      args: [
        '-i',
        INPUT,
        ...common,
        '-c:v',
        'copy',
        ...audio,
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        OUTPUT,
      ],
    };
  }
  const p = PLAYBACK_POLICY;
  const video = [
    '-c:v',
    'libx264',
    '-preset',
    p.preset,
    '-crf',
    String(p.crf),
    '-pix_fmt',
    p.pixelFormat,
    '-vf',
    scaleFilter(p.shortSide),
    '-threads',
    '0',
  ];
  return {
    action: 'transcode',
    args: ['-i', INPUT, ...common, ...video, ...audio, '-movflags', '+faststart', '-f', 'mp4', OUTPUT],
  };
}

/**
 * A poster frame (PNG): seek a little in (10 % of the duration, at most 5 s), drop frames whose
 * mean luma is near black (signalstats YAVG ≤ 24: fades and black leaders), then let ffmpeg's
 * `thumbnail` filter pick the most typical of the next 30. `skipDark: false` is the fallback
 * for videos that are dark throughout.
 */
export function posterArgs(info: VideoInfo, skipDark = true): string[] {
  const at = Math.min(5, info.durationS * 0.1);
  const dark = skipDark
    ? 'signalstats,metadata=mode=select:key=lavfi.signalstats.YAVG:value=24:function=greater,'
    : '';
  // PNG, not JPEG: ffmpeg.wasm 0.12's mjpeg encoder crashes (memory access out of bounds), and
  // the poster goes through makeDerivatives anyway, which makes the JPEG preview from it.
  return [
    '-ss',
    at.toFixed(3),
    '-i',
    INPUT,
    '-an',
    '-vf',
    `${dark}thumbnail=30,${scaleFilter(1440)}`,
    '-frames:v',
    '1',
    '-update',
    '1',
    '-c:v',
    'png',
    '-f',
    'image2',
    OUTPUT,
  ];
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

/** Turn ffprobe's JSON into VideoInfo; undefined when there is no video stream. */
export function parseProbe(json: string): VideoInfo | undefined {
  let data: { streams?: ProbeStream[]; format?: { duration?: string; format_name?: string } };
  try {
    data = JSON.parse(json) as typeof data;
  } catch {
    return undefined;
  }
  const v = data.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!v?.width || !v.height || !v.codec_name) return undefined;
  const a = data.streams?.find((s) => s.codec_type === 'audio');
  const rawRot =
    v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ??
    (v.tags?.['rotate'] ? -Number(v.tags['rotate']) : 0);
  // ffprobe's display-matrix rotation is counter-clockwise; players turn clockwise by its negation.
  const rotation = (((-Math.round(rawRot / 90) * 90) % 360) + 360) % 360;
  const swap = rotation === 90 || rotation === 270;
  const [n, d] = (
    v.avg_frame_rate && v.avg_frame_rate !== '0/0' ? v.avg_frame_rate : (v.r_frame_rate ?? '0/1')
  )
    .split('/')
    .map(Number);
  const duration = Number(data.format?.duration ?? v.duration ?? 0);
  const info: VideoInfo = {
    durationS: Number.isFinite(duration) ? duration : 0,
    width: swap ? v.height : v.width,
    height: swap ? v.width : v.height,
    rotation,
    codec: v.codec_name,
    pixelFormat: v.pix_fmt ?? 'unknown',
    container: data.format?.format_name ?? 'unknown',
  };
  if (n && d) info.frameRate = Math.round((n / d) * 1000) / 1000;
  if (a?.codec_name) info.audioCodec = a.codec_name;
  return info;
}
