package analysis

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// medianWindow is the median filter's window (s).
const medianWindow = 5

// medianOf returns the middle value (w[len(w)/2]) of w sorted, for at most
// medianWindow values, without allocating. The values are sorted by
// insertion, as slices.Sort sorts so few: the same order (NaN first, equal
// values in their order in w), so the same bits.
func medianOf(w []float64) float64 {
	var b [medianWindow]float64
	n := copy(b[:], w)
	for i := 1; i < n; i++ {
		for j := i; j > 0 && cmp.Less(b[j], b[j-1]); j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return b[n/2]
}

// median5 is medianOf for 5 values without NaN (where cmp.Less is <): the
// same insertion sort, unrolled, in registers.
func median5(w []float64) float64 {
	a, b, c, d, e := w[0], w[1], w[2], w[3], w[4]
	if b < a {
		a, b = b, a
	}
	if c < b {
		b, c = c, b
		if b < a {
			a, b = b, a
		}
	}
	if d < c {
		c, d = d, c
		if c < b {
			b, c = c, b
			if b < a {
				b = a
			}
		}
	}
	if e < d {
		d = e
		if d < c {
			c, d = d, c
			if c < b {
				c = b
			}
		}
	}
	return c
}

// empiricalIndex is the index in n sorted values of their empirical
// p-quantile: the first i with i+1 >= p x n, as stat.Quantile(p,
// stat.Empirical, x, nil) counts.
func empiricalIndex(p float64, n int) int {
	return max(0, int(math.Ceil(p*float64(n)))-1)
}

// quantiles returns stat.Quantile(p, stat.Empirical, x, nil) of x sorted
// for p = hi and lo (lo <= hi), without sorting x: two selections, which
// reorder x. The values are the same (NaN when x holds one, as
// stat.Quantile); of two values that compare equal (0 and -0), either may
// be returned. x must not be empty.
func quantiles(x []float64, hi, lo float64) (qhi, qlo float64) {
	for _, v := range x {
		if math.IsNaN(v) {
			return math.NaN(), math.NaN()
		}
	}
	k := empiricalIndex(hi, len(x))
	qhi = selectKth(x, k)
	// x[:k] now holds the k smallest values.
	if j := empiricalIndex(lo, len(x)); j < k {
		return qhi, selectKth(x[:k], j)
	}
	return qhi, qhi
}

// quantile is quantiles for one p.
func quantile(x []float64, p float64) float64 {
	q, _ := quantiles(x, p, p)
	return q
}

// selectKth reorders x (without NaN) so that x[k] is the value sorting
// would put there, the values before it no larger and those after it no
// smaller, and returns x[k] (Hoare's selection, with a median of three
// pivot; a range that does not shrink fast enough is sorted).
func selectKth(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for budget := 2 * bits.Len(uint(len(x))); lo < hi; budget-- {
		if budget <= 0 || hi-lo < 16 {
			slices.Sort(x[lo : hi+1])
			break
		}
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for pivot < x[j] {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		// x[lo:j+1] <= pivot, x[i:hi+1] >= pivot, x[j+1:i] == pivot
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}
