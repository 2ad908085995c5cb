//! Voice messages: Chromium's MediaRecorder writes Opus in WebM, WhatsApp plays voice
//! notes only as Opus in OGG. The Opus packets are moved from one container to the
//! other as they are (no re-encoding), with the granule positions OGG needs; the same
//! walk yields the recording's duration.
use std::io::Cursor;

use ogg::writing::{PacketWriteEndInfo, PacketWriter};
use ogg::PacketReader;
use webm_iterable::matroska_spec::{Block, MatroskaSpec, SimpleBlock};
use webm_iterable::WebmIterator;

/// Opus always counts time in 48 kHz samples.
const RATE: u64 = 48_000;
const SERIAL: u32 = 0x4348_4c41; // "CHLA"

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RemuxError {
    #[error("not a WebM file: {0}")]
    NotWebm(String),
    #[error("no Opus audio track")]
    NoOpus,
    #[error("no audio in the recording")]
    Silent,
    #[error("not an OGG/Opus stream: {0}")]
    NotOggOpus(String),
}

/// An OGG/Opus file and how long it plays.
#[derive(Debug, Clone)]
pub struct Voice {
    pub ogg: Vec<u8>,
    pub duration_ms: i64,
}

/// Rewrites a WebM/Opus recording as OGG/Opus.
pub fn webm_to_ogg(webm: &[u8]) -> Result<Voice, RemuxError> {
    let mut opus_track = None;
    let mut head = None;
    let mut codec_delay_ns = 0u64;
    // Track entries come before the clusters; their fields arrive in order.
    let mut entry_number = None;
    let mut entry_is_opus = false;
    let mut entry_private = None;
    let mut packets: Vec<Vec<u8>> = Vec::new();
    for tag in WebmIterator::new(Cursor::new(webm), &[]) {
        let tag = tag.map_err(|e| RemuxError::NotWebm(e.to_string()))?;
        match tag {
            MatroskaSpec::TrackNumber(n) => entry_number = Some(n),
            MatroskaSpec::CodecID(id) => entry_is_opus = id == "A_OPUS",
            MatroskaSpec::CodecPrivate(data) => entry_private = Some(data),
            MatroskaSpec::CodecDelay(ns) => codec_delay_ns = ns,
            MatroskaSpec::TrackEntry(webm_iterable::matroska_spec::Master::End) => {
                if entry_is_opus && opus_track.is_none() {
                    opus_track = entry_number;
                    head = entry_private.take();
                }
                entry_number = None;
                entry_is_opus = false;
                entry_private = None;
            }
            MatroskaSpec::SimpleBlock(data) => {
                let block =
                    SimpleBlock::try_from(&data).map_err(|e| RemuxError::NotWebm(e.to_string()))?;
                if Some(block.track) == opus_track {
                    let frames = block
                        .read_frame_data()
                        .map_err(|e| RemuxError::NotWebm(e.to_string()))?;
                    packets.extend(frames.into_iter().map(|f| f.data.to_vec()));
                }
            }
            MatroskaSpec::Block(data) => {
                let block =
                    Block::try_from(&data).map_err(|e| RemuxError::NotWebm(e.to_string()))?;
                if Some(block.track) == opus_track {
                    let frames = block
                        .read_frame_data()
                        .map_err(|e| RemuxError::NotWebm(e.to_string()))?;
                    packets.extend(frames.into_iter().map(|f| f.data.to_vec()));
                }
            }
            _ => {}
        }
    }
    if opus_track.is_none() {
        return Err(RemuxError::NoOpus);
    }
    if packets.is_empty() {
        return Err(RemuxError::Silent);
    }
    let head = match head {
        Some(head) if head.starts_with(b"OpusHead") && head.len() >= 19 => head,
        // Matroska may leave the header out; mono with the codec delay as pre-skip.
        _ => opus_head(1, (codec_delay_ns * RATE / 1_000_000_000) as u16),
    };
    let pre_skip = u16::from_le_bytes([head[10], head[11]]) as u64;
    let mut out = Vec::with_capacity(webm.len() + 4096);
    let mut writer = PacketWriter::new(&mut out);
    let write_err = |e: std::io::Error| RemuxError::NotWebm(e.to_string());
    writer
        .write_packet(head.clone(), SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(write_err)?;
    writer
        .write_packet(opus_tags(), SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(write_err)?;
    let mut granule = 0u64;
    let last = packets.len() - 1;
    for (i, packet) in packets.into_iter().enumerate() {
        granule += packet_samples(&packet);
        let end = if i == last {
            PacketWriteEndInfo::EndStream
        } else if i % 50 == 49 {
            // About a second per page, so players can seek.
            PacketWriteEndInfo::EndPage
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        writer
            .write_packet(packet, SERIAL, end, granule)
            .map_err(write_err)?;
    }
    drop(writer);
    Ok(Voice {
        ogg: out,
        duration_ms: (granule.saturating_sub(pre_skip) * 1000 / RATE) as i64,
    })
}

/// Checks an OGG/Opus file (Firefox records these) and measures it.
pub fn ogg_opus_duration(ogg: &[u8]) -> Result<i64, RemuxError> {
    let bad = |e: String| RemuxError::NotOggOpus(e);
    let mut reader = PacketReader::new(Cursor::new(ogg));
    let head = reader
        .read_packet()
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad("empty".into()))?;
    if !head.data.starts_with(b"OpusHead") || head.data.len() < 19 {
        return Err(bad("first packet is not OpusHead".into()));
    }
    let pre_skip = u16::from_le_bytes([head.data[10], head.data[11]]) as u64;
    let tags = reader
        .read_packet()
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad("no OpusTags".into()))?;
    if !tags.data.starts_with(b"OpusTags") {
        return Err(bad("second packet is not OpusTags".into()));
    }
    let mut last_granule = 0;
    let mut audio_packets = 0;
    while let Some(packet) = reader.read_packet().map_err(|e| bad(e.to_string()))? {
        audio_packets += 1;
        last_granule = packet.absgp_page();
    }
    if audio_packets == 0 {
        return Err(RemuxError::Silent);
    }
    Ok((last_granule.saturating_sub(pre_skip) * 1000 / RATE) as i64)
}

/// Samples (at 48 kHz) in one Opus packet, from its TOC byte (RFC 6716, 3.1).
pub fn packet_samples(packet: &[u8]) -> u64 {
    let Some(&toc) = packet.first() else {
        return 0;
    };
    let config = toc >> 3;
    let frame = match config {
        0..=11 => [480, 960, 1920, 2880][(config % 4) as usize],
        12..=15 => [480, 960][(config % 2) as usize],
        _ => [120, 240, 480, 960][(config % 4) as usize],
    };
    let frames = match toc & 0x03 {
        0 => 1,
        1 | 2 => 2,
        _ => packet.get(1).map(|b| (b & 0x3f) as u64).unwrap_or(0),
    };
    frame * frames
}

fn opus_head(channels: u8, pre_skip: u16) -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(channels);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&0u16.to_le_bytes());
    head.push(0);
    head
}

fn opus_tags() -> Vec<u8> {
    let vendor = b"Charla";
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    tags.extend_from_slice(vendor);
    tags.extend_from_slice(&0u32.to_le_bytes());
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_packet_lengths() {
        // config 31 (CELT 20 ms), one frame.
        assert_eq!(packet_samples(&[31 << 3]), 960);
        // config 1 (SILK 20 ms), two frames.
        assert_eq!(packet_samples(&[(1 << 3) | 1]), 1920);
        // config 16 (CELT 2.5 ms), code 3 with 4 frames.
        assert_eq!(packet_samples(&[(16 << 3) | 3, 4]), 480);
        assert_eq!(packet_samples(&[]), 0);
    }

    /// Two seconds recorded by Chromium's MediaRecorder from its fake microphone.
    const CHROMIUM_WEBM: &[u8] =
        include_bytes!("../../../server/tests/fixtures/voice-chromium.webm");

    #[test]
    fn chromium_recording_becomes_a_valid_ogg_opus_stream() {
        let voice = webm_to_ogg(CHROMIUM_WEBM).unwrap();
        assert!(
            (1500..2600).contains(&voice.duration_ms),
            "about two seconds, got {} ms",
            voice.duration_ms
        );
        // Parsed back page by page: OpusHead, OpusTags, then audio with rising granules.
        let mut reader = PacketReader::new(Cursor::new(&voice.ogg));
        let head = reader.read_packet().unwrap().unwrap();
        assert!(head.data.starts_with(b"OpusHead"));
        assert_eq!(head.data[9], 1, "mono, like the microphone");
        let tags = reader.read_packet().unwrap().unwrap();
        assert!(tags.data.starts_with(b"OpusTags"));
        let mut packets = 0;
        let mut last = 0;
        let mut ended = false;
        while let Some(packet) = reader.read_packet().unwrap() {
            assert!(packet.absgp_page() >= last);
            last = packet.absgp_page();
            packets += 1;
            ended = packet.last_in_stream();
        }
        assert!(packets > 20, "{packets} packets");
        assert!(ended, "the stream is closed");
        assert_eq!(ogg_opus_duration(&voice.ogg).unwrap(), voice.duration_ms);
        assert!(voice.ogg.starts_with(b"OggS"));
    }

    #[test]
    fn refuses_what_is_not_webm_opus() {
        assert!(webm_to_ogg(b"not a webm at all").is_err());
        assert!(ogg_opus_duration(b"OggS nonsense").is_err());
    }
}
