package models

import (
	"math"
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
