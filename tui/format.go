package tui

import (
	"fmt"
	"math"
	"sort"
)

// niceCeil is the smallest value ≥ x (x > 0) on the ladder 1, 1.5, 2, 3,
// 5, 7.5, 10, 15, ...
func niceCeil(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.5, 2, 3, 5, 7.5, 10} {
		if m*e >= x*(1-1e-12) {
			return m * e
		}
	}
	return 10 * e
}

// num prints a number compactly for status lines: 4 significant digits,
// and never NaN or Inf on screen.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4g", f)
}

// median is the middle value of v (0 if empty).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// last is v's last value (NaN if empty).
func last(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// sum adds up ns.
func sum(ns []int) int {
	n := 0
	for _, x := range ns {
		n += x
	}
	return n
}

// firstN is 0, 1, ..., n−1.
func firstN(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// maxOf is the largest of x and every value of vs.
func maxOf(x float64, vs ...[]float64) float64 {
	for _, v := range vs {
		for _, y := range v {
			x = math.Max(x, y)
		}
	}
	return x
}

// mean is the average of v (0 if empty).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
