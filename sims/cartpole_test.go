package sims

import (
	"math"
	"math/cmplx"
	"testing"
)

// The linearisation is the Jacobian of the nonlinear dynamics at upright.
func TestCartPoleLinear(t *testing.T) {
	c := Barto83
	A, B := c.Linear()
	const h = 1e-6
	for j := range 4 {
		var sp, sm [4]float64
		sp[j], sm[j] = h, -h
		dp, dm := c.Deriv(sp, 0), c.Deriv(sm, 0)
		for i := range 4 {
			if d := (dp[i] - dm[i]) / (2 * h); math.Abs(d-A.At(i, j)) > 1e-6 {
				t.Errorf("A[%d][%d] = %g, finite difference %g", i, j, A.At(i, j), d)
			}
		}
	}
	dp, dm := c.Deriv([4]float64{}, h), c.Deriv([4]float64{}, -h)
	for i := range 4 {
		if d := (dp[i] - dm[i]) / (2 * h); math.Abs(d-B.At(i, 0)) > 1e-6 {
			t.Errorf("B[%d] = %g, finite difference %g", i, B.At(i, 0), d)
		}
	}
}

// From 0.1 rad the regulated pole comes back within 0.01 rad and stays,
// the cart never leaves the track, and the closed loop's eigenvalues lie
// inside the unit circle, for several weightings of error against effort.
func TestLQRBalances(t *testing.T) {
	for _, p := range []LQRParams{
		{Qx: 1, Qtheta: 10, R: 0.1, Theta0: 0.1, Dt: 0.02},
		{Qx: 0.1, Qtheta: 1, R: 1, Theta0: 0.1, Dt: 0.02},
		{Qx: 10, Qtheta: 100, R: 0.01, Theta0: -0.1, Dt: 0.01},
		{Qx: 0.01, Qtheta: 1, R: 0.1, Theta0: 0.1, Dt: 0.05},
	} {
		l, err := NewLQR(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.G.Eig {
			if !(cmplx.Abs(e) < 1) {
				t.Errorf("%+v: closed-loop eigenvalue %v", p, e)
			}
		}
		back := -1.0
		maxX := 0.0
		for l.T < 20 {
			l.Step()
			if l.Done() {
				t.Fatalf("%+v: fell at t = %.2f: %v", p, l.T, l.S)
			}
			maxX = math.Max(maxX, math.Abs(l.S[0]))
			if math.Abs(l.S[2]) < 0.01 {
				if back < 0 {
					back = l.T
				}
			} else {
				back = -1
			}
		}
		if back < 0 || back > 15 {
			t.Errorf("%+v: not back within 0.01 rad for good (since %.2f s)", p, back)
		}
		if maxX > Track {
			t.Errorf("%+v: the cart reached %.2f m", p, maxX)
		}
	}
}

// LQG: the regulator on the filter's estimate pays at least what the one
// on the true state pays under the same pushes, the gap closes as the
// measurement noise falls, and both costs match the linear theory
// (tr(XW), plus tr(Kᵀ(R + BᵀXB)KΣ) on the estimate). The full-information
// cost of one run scatters by about 5% over seeds (the costs of nearby
// steps are correlated); the difference of the two runs, under the same
// pushes, scatters far less and is held to 10% of the theory's.
func TestLQGSeparation(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		prev := math.Inf(1)
		for _, sigma := range []float64{0.03, 0.003, 0.0003} {
			p := LQGParams{LQRParams: LQRParams{Qx: 1, Qtheta: 10, R: 0.1, Theta0: 0.05, Dt: 0.02}, SigmaX: sigma, SigmaTheta: sigma, Force: 0.5}
			l, err := NewLQG(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			for range 12000 {
				l.Step()
			}
			if l.Done() {
				t.Fatalf("seed %d σ %g: the pole fell", seed, sigma)
			}
			est, full := l.MeanCosts()
			te, tf := l.TheoryCosts()
			if est < full {
				t.Errorf("seed %d σ %g: cost on the estimate %.4g below the full-information cost %.4g", seed, sigma, est, full)
			}
			gap := est/full - 1
			if gap >= prev {
				t.Errorf("seed %d: the gap grew to %.3g at σ %g (from %.3g)", seed, gap, sigma, prev)
			}
			prev = gap
			if math.Abs((est-full)-(te-tf)) > 0.1*(te-tf) || math.Abs(full-tf) > 0.15*tf {
				t.Errorf("seed %d σ %g: costs %.4g and %.4g, theory %.4g and %.4g", seed, sigma, est, full, te, tf)
			}
		}
		if prev > 0.3 {
			t.Errorf("seed %d: at σ = 0.0003 the estimate still costs %.0f%% more", seed, 100*prev)
		}
	}
}
