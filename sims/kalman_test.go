package sims

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The filter's prior covariance converges to the DARE solution, whatever
// the model, the interval and the filter's belief about the noise.
func TestKalmanPriorConvergesToDARE(t *testing.T) {
	for _, model := range KalmanModels {
		for _, dt := range []float64{0.05, 1} {
			for _, qs := range []float64{1, 0.1, 10} {
				p := KalmanParams{Model: model, Dt: dt, Q: 1, QScale: qs, Sigma: 0.5}
				kf, err := NewKalman(p, 1)
				if err != nil {
					t.Fatal(err)
				}
				for range 3000 {
					kf.Step()
				}
				if g := kf.PriorGap(); !(g < 1e-9) {
					t.Errorf("%+v: ‖P⁻ − X‖/‖X‖ = %.2g after 3000 steps", p, g)
				}
			}
		}
	}
}

// Consistency: with the right model the time-averaged NIS lies in its 95%
// χ² band on most seeds (expected 95%: at least 17 of 20 hold with
// probability 0.98); with the process noise ten times too small it lies
// above the band on every seed, and the average over seeds matches the
// expected NIS of the mismatched filter.
func TestKalmanConsistency(t *testing.T) {
	const steps, seeds = 500, 20
	lo, hi := NISBand(steps, 0.95)
	for _, model := range KalmanModels {
		inside := 0
		var above int
		var sum float64
		var want float64
		for seed := uint64(1); seed <= seeds; seed++ {
			for _, qs := range []float64{1, 0.1} {
				kf, err := NewKalman(KalmanParams{Model: model, Dt: 0.1, Q: 1, QScale: qs, Sigma: 0.5}, seed)
				if err != nil {
					t.Fatal(err)
				}
				for range steps {
					kf.Step()
				}
				m := kf.MeanNIS()
				if qs == 1 {
					if m >= lo && m <= hi {
						inside++
					}
					continue
				}
				if m > hi {
					above++
				}
				sum += m
				_, want = kf.TrueSteady()
			}
		}
		if inside < 17 {
			t.Errorf("%s: right model: mean NIS inside [%.3f, %.3f] on %d of %d seeds", model, lo, hi, inside, seeds)
		}
		if above < seeds {
			t.Errorf("%s: q ten times too small: mean NIS above %.3f on only %d of %d seeds", model, hi, above, seeds)
		}
		if got := sum / seeds; math.Abs(got-want) > 0.05*want {
			t.Errorf("%s: q ten times too small: mean NIS %.3f, expected %.3f", model, got, want)
		}
	}
}

// With the right model the true steady error covariance is the filter's
// own (the DARE's posterior) and the expected NIS is 2.
func TestKalmanTrueSteady(t *testing.T) {
	for _, model := range KalmanModels {
		kf, _ := NewKalman(KalmanParams{Model: model, Dt: 0.2, Q: 2, QScale: 1, Sigma: 1}, 1)
		post, nis := kf.TrueSteady()
		if d := relDiff(post, kf.DAREPost); d > 1e-9 || math.Abs(nis-2) > 1e-9 {
			t.Errorf("%s: true steady differs from the filter's by %.2g, NIS %.12g", model, d, nis)
		}
		kf, _ = NewKalman(KalmanParams{Model: model, Dt: 0.2, Q: 2, QScale: 0.1, Sigma: 1}, 1)
		post, nis = kf.TrueSteady()
		if !(mat.Trace(post) > mat.Trace(kf.DAREPost)) || !(nis > 2) {
			t.Errorf("%s: overconfident filter: true trace %g, claimed %g, NIS %g", model, mat.Trace(post), mat.Trace(kf.DAREPost), nis)
		}
	}
}

func TestKalmanRejects(t *testing.T) {
	for _, p := range []KalmanParams{
		{Model: "x", Dt: 0.1, Q: 1, QScale: 1, Sigma: 1},
		{Model: KalmanCV, Dt: 0, Q: 1, QScale: 1, Sigma: 1},
		{Model: KalmanCV, Dt: 0.1, Q: math.NaN(), QScale: 1, Sigma: 1},
		{Model: KalmanCV, Dt: 0.1, Q: 1, QScale: 0, Sigma: 1},
		{Model: KalmanCV, Dt: 0.1, Q: 1, QScale: 1, Sigma: math.Inf(1)},
	} {
		if _, err := NewKalman(p, 1); err == nil {
			t.Errorf("%+v accepted", p)
		} else if !strings.Contains(err.Error(), "must be") {
			t.Errorf("%+v: %v does not say the valid range", p, err)
		}
	}
}

// A step taken in two halves, Predict then Update, is the step: the same
// random draws, the same estimate; the prediction alone grows P.
func TestKalmanHalfSteps(t *testing.T) {
	p := KalmanParams{Model: KalmanCV, Dt: 0.1, Q: 1, QScale: 1, Sigma: 0.5}
	a, _ := NewKalman(p, 3)
	b, _ := NewKalman(p, 3)
	for i := range 20 {
		a.Step()
		before := b.TraceP()
		b.Predict()
		if !(mat.Trace(b.Pprior) > before-1e-12) || !b.Pending || b.Steps != i {
			t.Fatalf("step %d: the prediction alone: tr P⁻ %g from %g, pending %v, steps %d", i, mat.Trace(b.Pprior), before, b.Pending, b.Steps)
		}
		b.Update()
	}
	if a.Error() != b.Error() || a.NIS != b.NIS || a.TraceP() != b.TraceP() || b.Pending {
		t.Errorf("halves differ from steps: error %g vs %g, NIS %g vs %g", a.Error(), b.Error(), a.NIS, b.NIS)
	}
}
