package ingest

import (
	"math"
	"slices"

	"github.com/muktihari/fit/kit/datetime"
	"github.com/muktihari/fit/kit/semicircles"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"
	"github.com/taper-run/taper/analysis"
)

// FIT record (message 20) field numbers taper reads.
const (
	fitRecPositionLat             = 0
	fitRecPositionLong            = 1
	fitRecAltitude                = 2
	fitRecHeartRate               = 3
	fitRecCadence                 = 4
	fitRecDistance                = 5
	fitRecSpeed                   = 6
	fitRecPower                   = 7
	fitRecCompressedSpeedDistance = 8
	fitRecFractionalCadence       = 53
	fitRecEnhancedSpeed           = 73
	fitRecEnhancedAltitude        = 78
)

// FIT lap (message 19) field numbers of avg_speed and its component.
const (
	fitLapAvgSpeed            = 13
	fitLapEnhancedAvgSpeedNum = 110
)

// addRecord converts one record message to a Sample: semicircles to
// degrees, enhanced speed and altitude preferred, sentinels to NaN. It
// reads the fields by number, as mesgdef.Record would (the last field of
// a number wins; a value of another type than the profile's is invalid),
// without building the 100-field struct. When the segment was decoded
// without component expansion, it expands altitude and speed into
// enhanced_altitude and enhanced_speed as the decoder would have.
func (c *fitCollector) addRecord(m *proto.Message) {
	var (
		ts                     = basetype.Uint32Invalid
		lat, lon               = basetype.Sint32Invalid, basetype.Sint32Invalid
		alt, speed, power      = basetype.Uint16Invalid, basetype.Uint16Invalid, basetype.Uint16Invalid
		hr, cad, fracCad       = basetype.Uint8Invalid, basetype.Uint8Invalid, basetype.Uint8Invalid
		dist, enhSpeed, enhAlt = basetype.Uint32Invalid, basetype.Uint32Invalid, basetype.Uint32Invalid
	)
	for i := range m.Fields {
		f := &m.Fields[i]
		switch f.Num {
		case proto.FieldNumTimestamp:
			ts = f.Value.Uint32()
		case fitRecPositionLat:
			lat = f.Value.Int32()
		case fitRecPositionLong:
			lon = f.Value.Int32()
		case fitRecAltitude:
			alt = f.Value.Uint16()
		case fitRecHeartRate:
			hr = f.Value.Uint8()
		case fitRecCadence:
			cad = f.Value.Uint8()
		case fitRecDistance:
			dist = f.Value.Uint32()
		case fitRecSpeed:
			speed = f.Value.Uint16()
		case fitRecPower:
			power = f.Value.Uint16()
		case fitRecFractionalCadence:
			fracCad = f.Value.Uint8()
		case fitRecEnhancedSpeed:
			enhSpeed = f.Value.Uint32()
		case fitRecEnhancedAltitude:
			enhAlt = f.Value.Uint32()
		}
	}
	if c.expand {
		// The decoder gives the expanded value to the enhanced field,
		// present or not, whenever the plain one is valid.
		if alt != basetype.Uint16Invalid {
			enhAlt = expandComponent(uint32(alt), fitAltitudeComponent, fitEnhancedAltitude)
		}
		if speed != basetype.Uint16Invalid {
			enhSpeed = expandComponent(uint32(speed), fitSpeedComponent, fitEnhancedSpeed)
		}
	}
	if ts == basetype.Uint32Invalid {
		c.noTime++
		return
	}
	s := analysis.Sample{
		Time:      datetime.ToTime(ts).UTC(),
		Lat:       nan(semicircles.ToDegrees(lat)),
		Lon:       nan(semicircles.ToDegrees(lon)),
		Altitude:  math.NaN(),
		HeartRate: math.NaN(),
		Cadence:   math.NaN(),
		Speed:     math.NaN(),
		Distance:  math.NaN(),
		Power:     math.NaN(),
	}
	if !analysis.Has(s.Lat) || !analysis.Has(s.Lon) || math.Abs(s.Lat) > 90 || math.Abs(s.Lon) > 180 ||
		(s.Lat == 0 && s.Lon == 0) {
		s.Lat, s.Lon = math.NaN(), math.NaN()
	}
	// Scales and offsets of the FIT profile (altitude and
	// enhanced_altitude: /5 - 500 m; speeds: /1000 m/s; distance: /100 m).
	switch {
	case enhAlt != basetype.Uint32Invalid:
		s.Altitude = float64(enhAlt)/5 - 500
	case alt != basetype.Uint16Invalid:
		s.Altitude = float64(alt)/5 - 500
	}
	switch {
	case enhSpeed != basetype.Uint32Invalid:
		s.Speed = float64(enhSpeed) / 1000
	case speed != basetype.Uint16Invalid:
		s.Speed = float64(speed) / 1000
	}
	if dist != basetype.Uint32Invalid {
		s.Distance = float64(dist) / 100
	}
	if hr != basetype.Uint8Invalid && hr != 0 {
		s.HeartRate = float64(hr)
	}
	if cad != basetype.Uint8Invalid {
		s.Cadence = float64(cad)
		if fracCad != basetype.Uint8Invalid {
			s.Cadence += float64(fracCad) / 128
		}
	}
	if power != basetype.Uint16Invalid {
		s.Power = float64(power)
	}
	if len(c.samples) == cap(c.samples) && c.expect > 0 {
		c.samples = slices.Grow(c.samples, c.expect) // the rest of the segment's records
		c.expect = 0
	}
	c.samples = append(c.samples, s)
}

// The components muktihari/fit's decoder expands into fields taper reads
// (see fitScan.ownExpansion): the record's altitude and speed into
// enhanced_altitude and enhanced_speed, the lap's avg_speed into
// enhanced_avg_speed. TestFITExpandedFields checks that no other component
// of the profile gives a field taper reads.
var (
	fitAltitudeComponent   = fitComponent(mesgnum.Record, fitRecAltitude)
	fitSpeedComponent      = fitComponent(mesgnum.Record, fitRecSpeed)
	fitLapSpeedComponent   = fitComponent(mesgnum.Lap, fitLapAvgSpeed)
	fitEnhancedAltitude    = factory.StandardFactory().CreateField(mesgnum.Record, fitRecEnhancedAltitude).FieldBase
	fitEnhancedSpeed       = factory.StandardFactory().CreateField(mesgnum.Record, fitRecEnhancedSpeed).FieldBase
	fitLapEnhancedAvgSpeed = factory.StandardFactory().CreateField(mesgnum.Lap, fitLapEnhancedAvgSpeedNum).FieldBase
)

// fitComponent is the only component of field num of message mesg in the
// FIT profile.
func fitComponent(mesg typedef.MesgNum, num byte) proto.Component {
	return factory.StandardFactory().CreateField(mesg, num).Components[0]
}

// expandComponent is the value muktihari/fit v0.26.1's decoder gives field
// to from the value v of component c (decoder.expandComponents): the
// component's scale and offset undone, the field's applied, truncated.
func expandComponent(v uint32, c proto.Component, to *proto.FieldBase) uint32 {
	scaled := float64(v)/c.Scale - c.Offset
	return uint32((scaled + to.Offset) * to.Scale)
}

// lap converts a lap message, giving it enhanced_avg_speed from avg_speed
// as the decoder would have when the segment was decoded without
// component expansion.
func (c *fitCollector) lap(m *proto.Message) *mesgdef.Lap {
	l := mesgdef.NewLap(m)
	if c.expand && l.AvgSpeed != basetype.Uint16Invalid {
		l.EnhancedAvgSpeed = expandComponent(uint32(l.AvgSpeed), fitLapSpeedComponent, fitLapEnhancedAvgSpeed)
	}
	return l
}
