package ingest

import "encoding/binary"

// FIT base types (FIT protocol, "Base Type" byte of a field definition):
// bit 7 is the endian-ability flag, bits 0-4 the base type number.
const (
	fitBaseEndianFlag = 0x80
	fitBaseNumMask    = 0x1F
	fitMesgLap        = 19  // lap
	fitMesgRecord     = 20  // record
	fitMesgFieldDesc  = 206 // field_description: defines developer fields
	fitFieldDescType  = 2   // field_description.fit_base_type_id
	fitFieldTimestamp = 253 // timestamp field of every message
)

// fitMultiByte reports whether base type number n (without the endian
// flag) is a multi-byte type: sint16 (3), uint16 (4), sint32 (5),
// uint32 (6), float32 (8), float64 (9), uint16z (11), uint32z (12),
// sint64 (14), uint64 (15), uint64z (16).
func fitMultiByte(n byte) bool {
	switch n {
	case 3, 4, 5, 6, 8, 9, 11, 12, 14, 15, 16:
		return true
	}
	return false
}

// fitFixBaseTypes returns seg, one FIT segment (header, messages, CRC),
// with every multi-byte base type written without its endian flag (0x06
// for uint32, 0x0C for uint32z: some desktop tools and older encoders
// write them) given the flag, in field definitions and in the
// fit_base_type_id of field_description messages (developer fields). The
// FIT SDK reads such files by masking the flag off; muktihari/fit refuses
// them ("invalid basetype"). Only the definitions change, never the
// data, so the values are read as the SDK reads them. seg is not
// modified: a copy is returned when something was repaired, with the
// number of repairs and what fitBaseTypes learnt of seg.
//
// The CRC is not recomputed: taper decodes with the checksum ignored and
// checks the CRC of the original bytes itself (checkCRC).
func fitFixBaseTypes(seg []byte) (out []byte, fixed int, scan fitScan) {
	out = seg
	scan = fitBaseTypes(seg, func(i int) {
		if seg[i]&fitBaseEndianFlag == 0 && fitMultiByte(seg[i]&fitBaseNumMask) {
			if fixed == 0 {
				out = append([]byte(nil), seg...)
			}
			out[i] |= fitBaseEndianFlag
			fixed++
		}
	})
	return out, fixed, scan
}

// fitScan is what fitBaseTypes learns of a segment's messages.
type fitScan struct {
	records int  // record data messages with a timestamp
	end     bool // the messages were followed to the end of the data
	// Some record definition has a compressed_speed_distance field or its
	// altitude or speed field more than once, or some lap definition its
	// avg_speed more than once: the decoder must expand components.
	components bool
}

// ownExpansion reports whether the segment can be decoded without
// component expansion, taper expanding the few components it reads
// (addRecord, fitCollector.lap) as the decoder would: every definition was
// seen, and none has a field whose expansion depends on the order of the
// fields (a repeated one) or expands in turn (compressed_speed_distance's
// speed).
func (s fitScan) ownExpansion() bool { return s.end && !s.components }

// fitBaseTypes calls fn with the offset in seg of every base type byte:
// those of the field definitions in definition messages, and the
// fit_base_type_id of field_description data messages. It follows the
// message structure (record headers, definitions, data message sizes,
// compressed-timestamp headers, developer fields) and stops at the first
// thing it cannot follow, which the decoder then reports.
func fitBaseTypes(seg []byte, fn func(i int)) (scan fitScan) {
	if len(seg) < 12 {
		return scan
	}
	hdr := int(seg[0])
	end := min(hdr+int(binary.LittleEndian.Uint32(seg[4:8])), len(seg))
	type def struct {
		global   uint16
		size     int // bytes of a data message after its header
		descType int // offset of fit_base_type_id in a field_description message; -1 if none
		defined  bool
		timed    bool // the message has a timestamp field
	}
	var defs [16]def
	for pos := hdr; pos < end; {
		h := seg[pos]
		pos++
		if h&0x80 != 0 { // compressed timestamp header: a data message
			d := defs[(h>>5)&0x3]
			if !d.defined {
				return scan
			}
			if d.global == fitMesgRecord { // the header gives the timestamp
				scan.records++
			}
			pos += d.size
			continue
		}
		local := h & 0x0F
		if h&0x40 == 0 { // data message
			d := defs[local]
			if !d.defined || pos+d.size > end {
				return scan
			}
			if d.global == fitMesgRecord && d.timed {
				scan.records++
			}
			if d.global == fitMesgFieldDesc && d.descType >= 0 {
				fn(pos + d.descType)
			}
			pos += d.size
			continue
		}
		// definition message: reserved, architecture, global number, fields
		if pos+5 > end {
			return scan
		}
		global := binary.LittleEndian.Uint16(seg[pos+2 : pos+4])
		if seg[pos+1] == 1 {
			global = binary.BigEndian.Uint16(seg[pos+2 : pos+4])
		}
		n := int(seg[pos+4])
		pos += 5
		if pos+3*n > end {
			return scan
		}
		d := def{global: global, descType: -1, defined: true}
		altitudes, speeds, lapSpeeds := 0, 0, 0
		for k := 0; k < n; k++ {
			f := pos + 3*k
			if seg[f] == fitFieldDescType && seg[f+1] == 1 {
				d.descType = d.size
			}
			d.size += int(seg[f+1])
			if seg[f] == fitLapAvgSpeed {
				lapSpeeds++
			}
			switch seg[f] {
			case fitFieldTimestamp:
				d.timed = true
			case fitRecAltitude:
				altitudes++
			case fitRecSpeed:
				speeds++
			case fitRecCompressedSpeedDistance:
				speeds += 2
			}
			fn(f + 2)
		}
		if (global == fitMesgRecord && (altitudes > 1 || speeds > 1)) || (global == fitMesgLap && lapSpeeds > 1) {
			scan.components = true
		}
		pos += 3 * n
		if h&0x20 != 0 { // developer fields: number, size, developer data index
			if pos >= end {
				return scan
			}
			m := int(seg[pos])
			pos++
			if pos+3*m > end {
				return scan
			}
			for k := 0; k < m; k++ {
				d.size += int(seg[pos+3*k+1])
			}
			pos += 3 * m
		}
		defs[local] = d
	}
	scan.end = true
	return scan
}
