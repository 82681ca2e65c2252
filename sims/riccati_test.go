package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The two solvers agree to 1e-9 on random systems (some open-loop
// unstable), and the solution satisfies the equation.
func TestDARETwoWays(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 3))
			n, m := 2+int(seed%4), 1+int(seed%2)
			Ac, Bc := mat.NewDense(n, n, nil), mat.NewDense(n, m, nil)
			for i := range n {
				for j := range n {
					Ac.Set(i, j, rng.NormFloat64())
				}
				for j := range m {
					Bc.Set(i, j, rng.NormFloat64())
				}
			}
			A, B := Discretise(Ac, Bc, 0.1)
			var Q mat.Dense
			L := mat.NewDense(n, n, nil)
			for i := range n {
				for j := range n {
					L.Set(i, j, rng.NormFloat64())
				}
			}
			Q.Mul(L, L.T())
			R := mat.NewDiagDense(m, nil)
			for i := range m {
				R.SetDiag(i, 0.1+rng.Float64())
			}
			Xi, iters, err := DAREIterate(A, B, &Q, R, 1e-14, 100000)
			if err != nil {
				t.Fatal(err)
			}
			Xs, err := DARESchur(A, B, &Q, R)
			if err != nil {
				t.Fatal(err)
			}
			if d := relDiff(Xi, Xs); d > 1e-9 {
				t.Errorf("iteration (%d steps) and Schur differ by %.2g", iters, d)
			}
			next, _ := riccatiStep(A, B, &Q, R, Xs)
			if d := relDiff(next, Xs); d > 1e-10 {
				t.Errorf("Schur solution's residual %.2g", d)
			}
			K, _ := LQRGain(A, B, R, Xs)
			var BK, cl mat.Dense
			BK.Mul(B, K)
			cl.Sub(A, &BK)
			if r := SpectralRadius(&cl); !(r < 1) {
				t.Errorf("closed loop spectral radius %g", r)
			}
		})
	}
}

// Scalar cases against the closed forms: the DARE's positive root
// bx² + (r − a²r − qb²)x − qr = 0 (b² for b), the LQR gain abx/(r + b²x)
// and the Kalman gain hp/(h²p + r).
func TestScalarRiccati(t *testing.T) {
	for _, c := range []struct{ a, b, q, r float64 }{{1, 1, 1, 1}, {1.2, 0.5, 0.3, 2}, {0.5, 2, 4, 0.1}, {-1.5, 1, 1, 1}} {
		b2 := c.b * c.b
		lin := c.r - c.a*c.a*c.r - c.q*b2
		x := (-lin + math.Sqrt(lin*lin+4*b2*c.q*c.r)) / (2 * b2)
		A, B := mat.NewDense(1, 1, []float64{c.a}), mat.NewDense(1, 1, []float64{c.b})
		Q, R := mat.NewDense(1, 1, []float64{c.q}), mat.NewDense(1, 1, []float64{c.r})
		for name, solve := range map[string]func() (*mat.Dense, error){
			"schur":     func() (*mat.Dense, error) { return DARESchur(A, B, Q, R) },
			"iteration": func() (*mat.Dense, error) { X, _, err := DAREIterate(A, B, Q, R, 1e-15, 100000); return X, err },
		} {
			X, err := solve()
			if err != nil {
				t.Fatalf("%+v %s: %v", c, name, err)
			}
			if got := X.At(0, 0); math.Abs(got-x) > 1e-10*x {
				t.Errorf("%+v %s: X = %.15g, closed form %.15g", c, name, got, x)
			}
		}
		X, _ := DARESchur(A, B, Q, R)
		K, _ := LQRGain(A, B, R, X)
		if want := c.a * c.b * x / (c.r + b2*x); math.Abs(K.At(0, 0)-want) > 1e-12*math.Abs(want) {
			t.Errorf("%+v: LQR gain %g, closed form %g", c, K.At(0, 0), want)
		}
		// the filter: a → a, b → h
		Kf, _ := KalmanGain(X, B, R)
		if want := c.b * x / (b2*x + c.r); math.Abs(Kf.At(0, 0)-want) > 1e-12*want {
			t.Errorf("%+v: Kalman gain %g, closed form %g", c, Kf.At(0, 0), want)
		}
	}
}

// Discretise matches e^(A dt) for a rotation and the integral for B.
func TestDiscretise(t *testing.T) {
	Ac := mat.NewDense(2, 2, []float64{0, 1, -1, 0})
	Bc := mat.NewDense(2, 1, []float64{0, 1})
	dt := 0.3
	Ad, Bd := Discretise(Ac, Bc, dt)
	want := []float64{math.Cos(dt), math.Sin(dt), -math.Sin(dt), math.Cos(dt)}
	for i, w := range want {
		if got := Ad.RawMatrix().Data[i]; math.Abs(got-w) > 1e-14 {
			t.Errorf("Ad[%d] = %g, want %g", i, got, w)
		}
	}
	// ∫₀^dt (sin s, cos s) ds = (1 − cos dt, sin dt)
	if math.Abs(Bd.At(0, 0)-(1-math.Cos(dt))) > 1e-14 || math.Abs(Bd.At(1, 0)-math.Sin(dt)) > 1e-14 {
		t.Errorf("Bd = %v", mat.Formatted(Bd))
	}
}
