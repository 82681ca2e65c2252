package tui

import (
	"math"
	"strconv"
	"strings"
)

// Axis ticks: round values (1, 2 or 5 times a power of ten; integers on an
// integer axis; decades on a log axis), one format per axis, each label on
// the row or column where its value is drawn.

// ticks are the tick values in [lo, hi] at most n of them, and the step.
func ticks(lo, hi float64, n int, integer bool) (ts []float64, step float64) {
	if !(hi > lo) || n < 1 {
		return nil, 0
	}
	raw := (hi - lo) / float64(n)
	e := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * e
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= raw*(1-1e-9) {
			step = m * e
			break
		}
	}
	if integer {
		step = math.Max(1, math.Round(step))
	}
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi*(1+1e-12)+1e-12; k++ {
		v := k * step
		if v == 0 {
			v = 0 // no −0
		}
		ts = append(ts, v)
	}
	return ts, step
}

// logTicks are decade ticks (log10 values) in [lo, hi], every k-th decade so
// that at most n are shown; with less than two decades, 1, 2 and 5 times
// each.
func logTicks(lo, hi float64, n int) []float64 {
	var ts []float64
	if hi-lo < 2 {
		for d := math.Floor(lo); d <= hi; d++ {
			for _, m := range []float64{1, 2, 5} {
				if v := d + math.Log10(m); v >= lo-1e-9 && v <= hi+1e-9 {
					ts = append(ts, v)
				}
			}
		}
		if len(ts) <= n {
			return ts
		}
		ts = ts[:0]
	}
	every := max(1, int(math.Ceil((hi-lo+1)/float64(max(n, 1)))))
	for d := math.Ceil(lo - 1e-9); d <= hi+1e-9; d++ {
		if int(d)%every == 0 {
			ts = append(ts, d)
		}
	}
	return ts
}

// tickLabel prints tick v of an axis whose ticks are step apart and whose
// values reach mag, with the decimals that step needs and a k or M suffix
// where the step is in thousands or millions, or in powers of ten for tiny
// steps: the same format for every label of the axis.
func tickLabel(v, step, mag float64) string {
	a := math.Abs(step)
	switch {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', decimals(step/1e6), 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', decimals(step/1e3), 64) + "k"
	case a < 1e-3:
		p := max(0, int(math.Floor(math.Log10(math.Max(mag, a)))-math.Floor(math.Log10(a)+1e-9)))
		return strconv.FormatFloat(v, 'e', p, 64)
	}
	return strconv.FormatFloat(v, 'f', decimals(step), 64)
}

// decimals is how many decimals a step of s needs (0 for whole numbers).
func decimals(s float64) int {
	if s >= 1 {
		return 0
	}
	return int(math.Ceil(-math.Log10(s) - 1e-9))
}

// decadeLabel prints the decade 10^d as such: 10⁻², 10⁻¹, 1, 10, 10², …
func decadeLabel(d int) string {
	switch d {
	case 0:
		return "1"
	case 1:
		return "10"
	}
	const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	b.WriteString("10")
	if d < 0 {
		b.WriteRune('⁻')
		d = -d
	}
	for _, c := range strconv.Itoa(d) {
		b.WriteRune([]rune(sup)[c-'0'])
	}
	return b.String()
}

// logLabel prints a log tick (v is log10 of the value) as a number:
// 0.001 … 1, 10, 100, 1k … 100M, and 1e-04 or 1e+09 beyond. It serves axes
// spanning less than two decades, whose ticks are 1, 2 and 5 times each.
func logLabel(v float64) string {
	x := math.Pow(10, v)
	switch {
	case x >= 1e9 || x < 1e-3:
		return strconv.FormatFloat(x, 'e', 0, 64)
	case x >= 1e6:
		return strings.TrimSuffix(strconv.FormatFloat(x/1e6, 'f', -1, 64), ".0") + "M"
	case x >= 1e3:
		return strconv.FormatFloat(math.Round(x/1e3*1e6)/1e6, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}
