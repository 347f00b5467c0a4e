package synth

import (
	"math"
	"math/rand/v2"
	"time"
)

// city is a start point for routes: a plausible running spot in a zone.
type city struct {
	Name          string
	Lat, Lon, Alt float64
}

// cityFor returns a start point inside the athlete's time zone, so that a
// GPS-based zone lookup of the generated route gives back the same zone.
func cityFor(loc *time.Location, t time.Time) city {
	name := "UTC"
	if loc != nil {
		name = loc.String()
	}
	switch name {
	case "Europe/Paris":
		return city{"Paris", 48.8462, 2.3371, 45}
	case "Europe/London":
		return city{"London", 51.5080, -0.1657, 25}
	case "Europe/Berlin":
		return city{"Berlin", 52.5145, 13.3501, 40}
	case "Europe/Madrid":
		return city{"Madrid", 40.4153, -3.6845, 660}
	case "Europe/Rome":
		return city{"Rome", 41.9145, 12.4923, 40}
	case "Europe/Amsterdam":
		return city{"Amsterdam", 52.3580, 4.8686, 2}
	case "Europe/Stockholm":
		return city{"Stockholm", 59.3340, 18.0650, 20}
	case "America/New_York":
		return city{"New York", 40.7812, -73.9665, 30}
	case "America/Chicago":
		return city{"Chicago", 41.8810, -87.6200, 180}
	case "America/Denver":
		return city{"Boulder", 40.0150, -105.2705, 1650}
	case "America/Los_Angeles":
		return city{"San Francisco", 37.7694, -122.4862, 20}
	case "America/Sao_Paulo":
		return city{"Sao Paulo", -23.5874, -46.6576, 760}
	case "Pacific/Honolulu":
		return city{"Honolulu", 21.2700, -157.8200, 5}
	case "Asia/Tokyo":
		return city{"Tokyo", 35.6717, 139.6949, 40}
	case "Asia/Shanghai":
		return city{"Shanghai", 31.2165, 121.4365, 5}
	case "Asia/Kolkata":
		return city{"Bengaluru", 12.9763, 77.5929, 920}
	case "Asia/Kathmandu":
		return city{"Kathmandu", 27.7172, 85.3240, 1400}
	case "Australia/Sydney":
		return city{"Sydney", -33.8915, 151.2767, 20}
	case "Pacific/Auckland":
		return city{"Auckland", -36.8606, 174.7765, 30}
	case "Africa/Nairobi":
		return city{"Nairobi", -1.2921, 36.8219, 1700}
	case "Pacific/Kiritimati":
		return city{"Kiritimati", 1.8721, -157.4278, 3}
	case "UTC", "Etc/UTC", "GMT":
		return city{"Reykjavik", 64.1355, -21.8954, 20} // UTC all year, no DST
	}
	// Unknown zone: a point on the equator at the zone's offset longitude.
	_, off := t.In(loc).Zone()
	return city{"Offset", 0, float64(off) / 3600 * 15, 10}
}

// route is a closed path (a loop, or an out-and-back folded into one) in
// metres east/north of the start, followed by arc length.
type route struct {
	lat0, lon0, alt0 float64
	xs, ys, cum      []float64 // polyline and cumulative length
	length           float64
	hillAmp          [2]float64
	hillWave         [2]float64
	hillPhase        [4]float64
	cursor           int
}

// newRoute builds a route around c for a run of about est metres.
func newRoute(rng *rand.Rand, c city, est float64, hilly bool) *route {
	r := &route{lat0: c.Lat, lon0: c.Lon, alt0: c.Alt}
	if est < 2000 {
		est = 2000
	}
	if rng.Float64() < 0.6 {
		// Loop: perimeter about est (big runs) or a 4-10 km loop repeated.
		per := est
		if est > 12000 && rng.Float64() < 0.5 {
			per = 4000 + rng.Float64()*6000
		}
		radius := per / (2 * math.Pi)
		n := max(24, int(per/150))
		rot := rng.Float64() * 2 * math.Pi
		// the loop passes through the start: centre offset by radius
		cx, cy := -radius*math.Cos(rot), -radius*math.Sin(rot)
		p1, p2 := rng.Float64()*6, rng.Float64()*6
		for i := 0; i <= n; i++ {
			a := rot + 2*math.Pi*float64(i)/float64(n)
			k := 1 + 0.12*math.Sin(3*a+p1)*math.Sin(float64(i)*2*math.Pi/float64(n)*2+p2)
			r.xs = append(r.xs, cx+radius*k*math.Cos(a))
			r.ys = append(r.ys, cy+radius*k*math.Sin(a))
		}
		r.xs[n], r.ys[n] = r.xs[0], r.ys[0]
	} else {
		// Out and back along a wiggly bearing.
		half := est / 2
		n := max(12, int(half/150))
		bearing := rng.Float64() * 2 * math.Pi
		wig := rng.Float64() * 6
		var xs, ys []float64
		for i := 0; i <= n; i++ {
			d := half * float64(i) / float64(n)
			lat := 150 * math.Sin(d/700+wig) * math.Min(1, d/500)
			xs = append(xs, d*math.Cos(bearing)-lat*math.Sin(bearing))
			ys = append(ys, d*math.Sin(bearing)+lat*math.Cos(bearing))
		}
		r.xs, r.ys = xs, ys
		for i := n - 1; i >= 0; i-- {
			r.xs = append(r.xs, xs[i])
			r.ys = append(r.ys, ys[i])
		}
	}
	r.cum = make([]float64, len(r.xs))
	for i := 1; i < len(r.xs); i++ {
		r.cum[i] = r.cum[i-1] + math.Hypot(r.xs[i]-r.xs[i-1], r.ys[i]-r.ys[i-1])
	}
	r.length = r.cum[len(r.cum)-1]
	if hilly {
		r.hillAmp = [2]float64{18 + rng.Float64()*10, 6}
		r.hillWave = [2]float64{1400 + rng.Float64()*600, 500}
	} else {
		r.hillAmp = [2]float64{3 + rng.Float64()*5, 1.5}
		r.hillWave = [2]float64{2500 + rng.Float64()*1500, 700}
	}
	for i := range r.hillPhase {
		r.hillPhase[i] = rng.Float64() * 2 * math.Pi
	}
	return r
}

// at returns the position (m east, m north) at arc length s (wrapping).
// Calls with increasing s are O(1).
func (r *route) at(s float64) (x, y float64) {
	s = math.Mod(s, r.length)
	if s < 0 {
		s += r.length
	}
	if r.cursor >= len(r.cum)-1 || r.cum[r.cursor] > s {
		r.cursor = 0
	}
	for r.cursor < len(r.cum)-2 && r.cum[r.cursor+1] < s {
		r.cursor++
	}
	i := r.cursor
	seg := r.cum[i+1] - r.cum[i]
	f := 0.0
	if seg > 0 {
		f = (s - r.cum[i]) / seg
	}
	return r.xs[i] + f*(r.xs[i+1]-r.xs[i]), r.ys[i] + f*(r.ys[i+1]-r.ys[i])
}

// altitude at a point: the city's elevation plus rolling hills.
func (r *route) altitude(x, y float64) float64 {
	a := r.alt0
	a += r.hillAmp[0] * math.Sin(2*math.Pi*x/r.hillWave[0]+r.hillPhase[0]) * math.Cos(2*math.Pi*y/r.hillWave[0]+r.hillPhase[1])
	a += r.hillAmp[1] * math.Sin(2*math.Pi*(x+y)/r.hillWave[1]+r.hillPhase[2])
	return a
}

// latLon converts metres east/north of the start to degrees.
func (r *route) latLon(x, y float64) (lat, lon float64) {
	lat = r.lat0 + y/111320
	lon = r.lon0 + x/(111320*math.Cos(r.lat0*math.Pi/180))
	return lat, lon
}
