package models

import (
	"math"
	"os"
	"testing"
)

// Blahut–Arimoto reaches the closed-form capacities of the BSC, the BEC and
// the Z-channel within 1e-6, the bounds never crossing on the way.
func TestBlahutArimotoCapacity(t *testing.T) {
	for _, ch := range []string{ChannelBSC, ChannelBEC, ChannelZ} {
		for _, p := range []float64{0.01, 0.1, 0.25, 0.4} {
			W, _ := NamedChannel(ch, p)
			b := NewBlahutArimoto(W)
			c := CapacityTheory(ch, p)
			for b.Upper-b.Lower > 1e-9 && b.Iter < 100000 {
				if b.Lower > b.Upper+1e-15 || b.Lower > c+1e-12 || b.Upper < c-1e-12 {
					t.Fatalf("%s p %g iteration %d: bounds [%.12f, %.12f] around %.12f", ch, p, b.Iter, b.Lower, b.Upper, c)
				}
				b.Step()
			}
			if math.Abs(b.Lower-c) > 1e-6 || math.Abs(b.MutualInformation()-c) > 1e-6 {
				t.Errorf("%s p %g: %.9f after %d iterations, closed form %.9f", ch, p, b.Lower, b.Iter, c)
			}
		}
	}
}

// Rate–distortion: every point traced lies within 1e-4 of the closed form.
func TestRateDistortion(t *testing.T) {
	for _, c := range []struct {
		source string
		p      float64
	}{{SourceBinary, 0.5}, {SourceBinary, 0.2}, {SourceGaussian, 0}} {
		src, d, betas, theory, err := RDProblem(c.source, c.p)
		if err != nil {
			t.Fatal(err)
		}
		rd := NewRateDistortion(src, d, betas)
		for !rd.Done() {
			rd.Step()
		}
		for _, pt := range rd.Points {
			if math.Abs(pt[1]-theory(pt[0])) > 1e-4 {
				t.Errorf("%s p %g: R(%.5f) = %.6f, closed form %.6f", c.source, c.p, pt[0], pt[1], theory(pt[0]))
			}
		}
	}
}

// Laughlin: after enough contrasts the response matches the CDF at every
// threshold within its derived tolerance and the output entropy is within
// 0.01 bit of log₂ L, for every contrast shape and several seeds.
func TestLaughlinEqualises(t *testing.T) {
	for _, shape := range Contrasts {
		for seed := uint64(1); seed <= 3; seed++ {
			l, err := NewLaughlin(LaughlinParams{Shape: shape, Levels: 8, Eta: 0.05, Batch: 1000}, seed)
			if err != nil {
				t.Fatal(err)
			}
			h0 := l.OutputEntropy()
			for range 200 {
				l.Step()
			}
			for k, tk := range l.T {
				if e := math.Abs(l.C.CDF(tk) - float64(k+1)/8); e > l.CDFTolerance(k) {
					t.Errorf("%s seed %d: threshold %d off the CDF by %.4f, tolerance %.4f", shape, seed, k, e, l.CDFTolerance(k))
				}
			}
			if h := l.OutputEntropy(); math.Abs(h-3) > 0.01 {
				t.Errorf("%s seed %d: output entropy %.4f bits (from %.3f), want 3 within 0.01", shape, seed, h, h0)
			}
		}
	}
}

// Miller–Madow is closer to the true entropy than the plug-in estimate at
// small sample sizes.
func TestMillerMadowBias(t *testing.T) {
	for _, name := range Dists {
		p, _ := Distribution(name, 16)
		for _, n := range []int{10, 20, 50, 100, 200} {
			pi, mm := EstimatorBias(p, n, 2000, 1)
			if !(math.Abs(mm) < math.Abs(pi)) || !(pi < 0) {
				t.Errorf("%s N %d: bias plug-in %.4f, Miller–Madow %.4f", name, n, pi, mm)
			}
		}
	}
}

// lastLayer is the last hidden layer's I(X;T) at each measured epoch.
func lastLayer(pl *Plane) []float64 {
	var out []float64
	for _, v := range pl.IXT {
		out = append(out, v[len(v)-1])
	}
	return out
}

// planeShape runs seed for epochs at the paper's batch of 256 and returns
// the last hidden layer's I(X;T) at the start, at its largest and at the
// end.
func planeShape(t *testing.T, act string, seed uint64, epochs int) (start, peak, end float64) {
	pl, err := NewPlane(PlaneParams{Activation: act, Bins: 30, Eta: 0.02, Batch: 256}, seed)
	if err != nil {
		t.Fatal(err)
	}
	for range epochs {
		pl.Step()
	}
	ixt := lastLayer(pl)
	start, end = ixt[0], ixt[len(ixt)-1]
	for _, v := range ixt {
		peak = math.Max(peak, v)
	}
	return start, peak, end
}

// The information plane with 30 bins: with tanh the last hidden layer's
// I(X;T) falls by bits once the net has fitted (compression, from
// saturation); with ReLU, binned by the same bin width, fitting raises it.
// With JCLUB_LONG=1, over five seeds and 600 epochs: tanh rises and then
// falls on at least four and falls on all; ReLU ends within 0.1 bit of its
// peak on at least three (measured: 3 of 5; on the other two it falls,
// 4.5 → 2.0 and 7.0 → 5.9 bits).
func TestInformationPlane(t *testing.T) {
	if os.Getenv("JCLUB_LONG") == "" {
		s, p, e := planeShape(t, Tanh, 1, 300)
		if !(p > s && e < p-2) {
			t.Errorf("tanh: I(X;T) %.2f → peak %.2f → %.2f bits: no rise and fall", s, p, e)
		}
		s, _, e = planeShape(t, ReLU, 2, 300)
		if !(e > s+1) {
			t.Errorf("relu: I(X;T) %.2f → %.2f bits: fitting did not raise it", s, e)
		}
		return
	}
	riseFall, fall, kept := 0, 0, 0
	for seed := uint64(1); seed <= 5; seed++ {
		s, p, e := planeShape(t, Tanh, seed, 600)
		if p > s+0.1 && e < p-2 {
			riseFall++
		}
		if e < p-2 {
			fall++
		}
		_, p, e = planeShape(t, ReLU, seed, 600)
		if e > p-0.1 {
			kept++
		}
	}
	if riseFall < 4 || fall < 5 || kept < 3 {
		t.Errorf("of 5 seeds: tanh rose and fell on %d, fell on %d; ReLU kept its peak on %d", riseFall, fall, kept)
	}
}
