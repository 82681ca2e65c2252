package models

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func hopParams(n, p int) HopfieldParams {
	return HopfieldParams{N: n, Patterns: p, Kind: Random, Rule: Hebb, Cue: CueFlip, Flip: 0.2, Target: 1}
}

// At T = 0 the energy never increases: H = −½ΣS_iJ_ijS_j recomputed from
// the state after every update of many runs, with both rules and every
// pattern kind; the kept energy and the recorded ΔE match it.
func TestEnergyNeverIncreases(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		p := hopParams(100, int(seed%8)+1)
		p.Rule = Rules[seed%2]
		p.Kind = PatternKinds[seed%3]
		p.Bias = 0.5
		h, err := NewHopfield(p, seed)
		if err != nil {
			t.Fatal(err)
		}
		e := h.Energy()
		for k := 0; k < 20*p.N; k++ {
			h.Step()
			now := h.Energy()
			if now > e+1e-9 {
				t.Fatalf("seed %d %s/%s: energy rose %v → %v at update %d", seed, p.Kind, p.Rule, e, now, k)
			}
			if d := now - e; h.Last.Old != h.Last.New && math.Abs(d+math.Abs(h.Last.DeltaE)) > 1e-9 {
				t.Fatalf("ΔE %v, recorded %v", d, h.Last.DeltaE)
			}
			if math.Abs(h.E-now) > 1e-6 {
				t.Fatalf("kept energy %v, recomputed %v", h.E, now)
			}
			e = now
		}
		if !h.Stable() {
			t.Fatalf("seed %d: not at a fixed point after 20 sweeps", seed)
		}
	}
}

// p/N = 0.05: a 20%-corrupted cue is recalled with overlap > 0.95 on almost
// every trial; p/N = 0.25: recall breaks down.
func TestRecallAndBreakdown(t *testing.T) {
	run := func(p int) (good int) {
		for seed := uint64(1); seed <= 40; seed++ {
			h, err := NewHopfield(hopParams(400, p), seed)
			if err != nil {
				t.Fatal(err)
			}
			for s := 0; s < 30 && !h.Stable(); s++ {
				h.Sweep()
			}
			if h.Overlaps()[0] > 0.95 {
				good++
			}
		}
		return good
	}
	if g := run(20); g < 38 {
		t.Errorf("p/N = 0.05: recalled %d of 40", g)
	}
	if g := run(100); g > 5 {
		t.Errorf("p/N = 0.25: recalled %d of 40", g)
	}
}

// The projection rule makes every pattern a fixed point even at p/N = 0.5,
// where Hebb's rule has long failed.
func TestProjectionRule(t *testing.T) {
	p := hopParams(100, 50)
	p.Rule, p.Flip = Projection, 0
	h, err := NewHopfield(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	for k := range h.Xi {
		h.SetState(h.Xi[k])
		if !h.Stable() {
			t.Fatalf("pattern %d is not a fixed point", k)
		}
	}
	p.Rule = Hebb
	hh, _ := NewHopfield(p, 1)
	unstable := 0
	for k := range hh.Xi {
		hh.SetState(hh.Xi[k])
		if !hh.Stable() {
			unstable++
		}
	}
	if unstable < 40 {
		t.Fatalf("Hebb at p/N = 0.5: only %d of 50 patterns unstable", unstable)
	}
}

// The crosstalk's standard deviation is √((p−1)(N−1))/N ≈ √((p−1)/N), and
// the one-step bit error rate is Φ(−signal/sd) ≈ Φ(−√(N/p)), at several
// loads, within statistical tolerance.
func TestCrosstalk(t *testing.T) {
	n := 500
	for _, p := range []int{25, 50, 75, 100} {
		sd, rate, bits := Crosstalk(n, p, 8, 0, uint64(p))
		wantSD := math.Sqrt(float64((p-1)*(n-1))) / float64(n)
		// sd of a sample sd ≈ sd/√(2·bits); bits are not all independent,
		// so allow 5% which is many standard errors
		if math.Abs(sd-wantSD) > 0.05*wantSD {
			t.Errorf("p = %d: crosstalk sd %.4f, want %.4f", p, sd, wantSD)
		}
		// the crosstalk is a sum of many ±1/N terms: Gaussian to a good
		// approximation, so the error rate is Φ(−((N−1)/N)/sd)
		want := distuv.UnitNormal.CDF(-float64(n-1) / float64(n) / wantSD)
		naive := distuv.UnitNormal.CDF(-math.Sqrt(float64(n) / float64(p)))
		se := math.Sqrt(want * (1 - want) / float64(bits))
		t.Logf("p/N = %.2f: sd %.4f (theory %.4f), bit errors %.5f (Φ %.5f, Φ(−√(N/p)) %.5f) ± %.5f",
			float64(p)/float64(n), sd, wantSD, rate, want, naive, se)
		// bits within a pattern set are correlated: widen to 5 se
		if math.Abs(rate-want) > 5*se+0.1*want {
			t.Errorf("p = %d: bit error rate %.5f, want %.5f ± %.5f", p, rate, want, se)
		}
	}
}

// The capacity curve locates α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky
// 1985): at N = 1000 the mean overlap after recall from a 10%-corrupted cue
// is still above 0.9 at p/N = 0.12 and has fallen below 0.9 by 0.16, on
// two seeds; recall is good at 0.10 and gone by 0.20.
func TestCapacityCurve(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		c, err := NewCapacity(CapacityParams{N: 1000, Flip: 0.1, MaxSweeps: 50}, seed)
		if err != nil {
			t.Fatal(err)
		}
		for range 6 * len(CapacityLoads) {
			c.Trial()
		}
		at := func(load float64) (m, r float64) {
			for i, l := range CapacityLoads {
				if math.Abs(l-load) < 1e-9 {
					m, _, r = c.Mean(i)
					return m, r
				}
			}
			t.Fatalf("no load %g among %v", load, CapacityLoads)
			return
		}
		for i, l := range CapacityLoads {
			m, se, r := c.Mean(i)
			t.Logf("seed %d p/N = %.2f: overlap %.3f ± %.3f, recalled %.2f", seed, l, m, se, r)
		}
		if m, _ := at(0.12); m < 0.9 {
			t.Errorf("seed %d p/N = 0.12: overlap %.3f already below 0.9", seed, m)
		}
		if m, _ := at(0.16); m >= 0.9 {
			t.Errorf("seed %d p/N = 0.16: overlap %.3f still above 0.9", seed, m)
		}
		if m, r := at(0.10); m < 0.95 || r < 0.8 {
			t.Errorf("seed %d p/N = 0.10: overlap %.3f, recalled %.2f", seed, m, r)
		}
		if m, r := at(0.20); m > 0.6 || r > 0.2 {
			t.Errorf("seed %d p/N = 0.20: overlap %.3f, recalled %.2f", seed, m, r)
		}
	}
}

// Biased patterns share a common component that Hebb's rule adds up over
// the memories: capacity drops well below α_c.
func TestBiasedCapacityDrops(t *testing.T) {
	recalled := func(bias float64) float64 {
		c, _ := NewCapacity(CapacityParams{N: 400, Flip: 0.1, MaxSweeps: 50, Bias: bias}, 3)
		for range 8 * len(CapacityLoads) {
			c.Trial()
		}
		_, _, r := c.Mean(3) // p/N = 0.08
		return r
	}
	if r0, r5 := recalled(0), recalled(0.5); r0 < 0.9 || r5 > 0.2 {
		t.Fatalf("recalled at p/N = 0.08: unbiased %.2f, bias 0.5 %.2f", r0, r5)
	}
}

func TestHopfieldValidate(t *testing.T) {
	bad := []HopfieldParams{
		{N: 8, Patterns: 1, Kind: Random, Rule: Hebb, Cue: CueFlip, Target: 1},
		{N: 100, Patterns: 0, Kind: Random, Rule: Hebb, Cue: CueFlip, Target: 1},
		{N: 100, Patterns: 40, Kind: Letters, Rule: Hebb, Cue: CueFlip, Target: 1},
		{N: 100, Patterns: 3, Kind: Random, Rule: Hebb, Cue: CueFlip, Target: 4},
		{N: 100, Patterns: 3, Kind: Random, Rule: Hebb, Cue: CueFlip, Target: 1, Temp: math.NaN()},
		{N: 100, Patterns: 3, Kind: Random, Rule: "oja", Cue: CueFlip, Target: 1},
	}
	for _, p := range bad {
		if _, err := NewHopfield(p, 1); err == nil {
			t.Errorf("accepted %+v", p)
		}
	}
}

func BenchmarkHopfieldUpdate(b *testing.B) {
	for _, n := range []int{1024, 4096} {
		h, _ := NewHopfield(hopParams(n, n/20), 1)
		b.Run("N="+itoa(n), func(b *testing.B) {
			h.Temp(5) // hot: about half the updates flip, the costly path
			for range b.N {
				h.Step()
			}
		})
	}
}

func BenchmarkHopfieldSweep(b *testing.B) {
	for _, n := range []int{1024, 4096} {
		h, _ := NewHopfield(hopParams(n, n/20), 1)
		b.Run("N="+itoa(n), func(b *testing.B) {
			h.Temp(5)
			for range b.N {
				h.Sweep()
			}
		})
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
