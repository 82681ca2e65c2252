package sims

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// historyMax bounds the records a History keeps; past it every other record
// is dropped and the recording stride doubles, so a long run keeps evenly
// spaced records over its whole length in bounded memory.
const historyMax = 1024

// History is the MSD of an ensemble recorded against time, overall and for
// each of a fixed number of equal blocks of walkers. The blocks are
// independent sub-ensembles: the scatter of a fit over them is an honest
// standard error even though successive MSD values are correlated.
type History struct {
	T, MSD []float64
	blocks [][]float64
	nb     int
	stride int // records are kept at steps that are multiples of stride
}

// NewHistory makes an empty history with nb blocks.
func NewHistory(nb int) *History { return &History{nb: nb, stride: 1} }

// Due reports whether the record of step n is to be kept.
func (h *History) Due(n int) bool { return n%h.stride == 0 }

// Len is the number of records.
func (h *History) Len() int { return len(h.T) }

// Record appends the mean of x² + y² at time t, overall and over each of
// the history's equal blocks of the walkers (NaN for an empty block).
func (h *History) Record(t float64, x, y []float64) {
	blocks := make([]float64, h.nb)
	n := len(x)
	var s float64
	for b := range blocks {
		lo, hi := b*n/h.nb, (b+1)*n/h.nb
		if hi == lo {
			blocks[b] = math.NaN()
			continue
		}
		var bs float64
		for i := lo; i < hi; i++ {
			bs += x[i]*x[i] + y[i]*y[i]
		}
		s += bs
		blocks[b] = bs / float64(hi-lo)
	}
	h.Add(t, s/float64(n), blocks)
}

// Add appends a record; blocks holds one MSD per block (NaN for an empty block).
func (h *History) Add(t, msd float64, blocks []float64) {
	h.T = append(h.T, t)
	h.MSD = append(h.MSD, msd)
	h.blocks = append(h.blocks, append([]float64(nil), blocks...))
	if len(h.T) > historyMax {
		h.thin()
	}
}

func (h *History) thin() {
	k := 0
	for i := 0; i < len(h.T); i += 2 {
		h.T[k], h.MSD[k], h.blocks[k] = h.T[i], h.MSD[i], h.blocks[i]
		k++
	}
	clear(h.blocks[k:])
	h.T, h.MSD, h.blocks = h.T[:k], h.MSD[:k], h.blocks[:k]
	h.stride *= 2
}

// FitSlope fits MSD = c + s·t by least squares over the records with
// t ≥ tmin and returns s with its standard error from the block scatter.
func (h *History) FitSlope(tmin float64) (slope, se float64, ok bool) {
	var ts []float64
	first := -1
	for i, t := range h.T {
		if t >= tmin {
			if first < 0 {
				first = i
			}
			ts = append(ts, t)
		}
	}
	if len(ts) < 3 {
		return 0, 0, false
	}
	_, slope = stat.LinearRegression(ts, h.MSD[first:], nil, false)
	var bs []float64
	y := make([]float64, len(ts))
	for b := 0; b < h.nb; b++ {
		for i := range ts {
			y[i] = h.blocks[first+i][b]
		}
		if math.IsNaN(y[0]) {
			continue
		}
		_, s := stat.LinearRegression(ts, y, nil, false)
		bs = append(bs, s)
	}
	if len(bs) < 3 {
		return slope, 0, false
	}
	se = stat.StdDev(bs, nil) / math.Sqrt(float64(len(bs)))
	return slope, se, true
}
