package sims

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// The discrete algebraic Riccati equation (DARE)
//
//	X = AᵀXA − AᵀXB (R + BᵀXB)⁻¹ BᵀXA + Q
//
// is the controller's: X is the cost-to-go of the linear-quadratic
// regulator of x' = Ax + Bu with stage cost xᵀQx + uᵀRu, and the gain is
// K = (R + BᵀXB)⁻¹BᵀXA (u = −Kx). With A → Aᵀ and B → Hᵀ it is the
// filter's: X is then the steady prior covariance of the Kalman filter of
// x' = Ax + w, z = Hx + v with Cov w = Q, Cov v = R (Kalman 1960: the two
// problems are dual). Two independent solvers follow.

// DAREIterate solves the DARE by iterating the Riccati recursion from X = Q
// until the relative change falls below tol: the controller's backward
// recursion, or the filter's forward one. It returns X and the iterations.
func DAREIterate(A, B, Q, R mat.Matrix, tol float64, maxIter int) (*mat.Dense, int, error) {
	X := mat.DenseCopyOf(Q)
	for k := 1; k <= maxIter; k++ {
		next, err := riccatiStep(A, B, Q, R, X)
		if err != nil {
			return nil, k, err
		}
		var d mat.Dense
		d.Sub(next, X)
		X = next
		if mat.Norm(&d, 1) <= tol*math.Max(mat.Norm(X, 1), 1e-300) {
			return X, k, nil
		}
	}
	return X, maxIter, fmt.Errorf("Riccati iteration did not converge in %d steps", maxIter)
}

// riccatiStep is one step of the recursion X ← AᵀXA − AᵀXB(R+BᵀXB)⁻¹BᵀXA + Q,
// symmetrised against rounding.
func riccatiStep(A, B, Q, R mat.Matrix, X *mat.Dense) (*mat.Dense, error) {
	var XA, XB, S, BXA, G, out mat.Dense
	XA.Mul(X, A)
	XB.Mul(X, B)
	S.Mul(B.T(), &XB)
	S.Add(&S, R)
	BXA.Mul(B.T(), &XA)
	if err := G.Solve(&S, &BXA); err != nil {
		return nil, fmt.Errorf("R + BᵀXB is singular: %w", err)
	}
	out.Mul(A.T(), &XA)
	var corr mat.Dense
	corr.Mul(BXA.T(), &G)
	out.Sub(&out, &corr)
	out.Add(&out, Q)
	return symmetrise(&out), nil
}

func symmetrise(m *mat.Dense) *mat.Dense {
	n, _ := m.Dims()
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := (m.At(i, j) + m.At(j, i)) / 2
			m.Set(i, j, v)
			m.Set(j, i, v)
		}
	}
	return m
}

// DARESchur solves the DARE directly (Laub 1979): the symplectic matrix
//
//	Z = [ A + G A⁻ᵀQ   −G A⁻ᵀ ]    G = B R⁻¹ Bᵀ
//	    [   −A⁻ᵀQ        A⁻ᵀ  ]
//
// has its 2n eigenvalues in pairs λ, 1/λ; the real Schur form of Z,
// reordered so that the n eigenvalues inside the unit circle come first,
// gives in its first n Schur vectors [U₁; U₂] a basis of the stable
// invariant subspace, and X = U₂U₁⁻¹. A must be invertible (a sampled
// continuous system always is).
func DARESchur(A, B, Q, R mat.Matrix) (*mat.Dense, error) {
	n, _ := A.Dims()
	var Ainv, AinvT, G, Rinv mat.Dense
	if err := Ainv.Inverse(A); err != nil {
		return nil, fmt.Errorf("A is singular: %w", err)
	}
	AinvT.CloneFrom(Ainv.T())
	if err := Rinv.Inverse(R); err != nil {
		return nil, fmt.Errorf("R is singular: %w", err)
	}
	var BR mat.Dense
	BR.Mul(B, &Rinv)
	G.Mul(&BR, B.T())
	var GAQ, GA, AQ mat.Dense
	GA.Mul(&G, &AinvT)
	GAQ.Mul(&GA, Q)
	AQ.Mul(&AinvT, Q)
	Z := mat.NewDense(2*n, 2*n, nil)
	for i := range n {
		for j := range n {
			Z.Set(i, j, A.At(i, j)+GAQ.At(i, j))
			Z.Set(i, n+j, -GA.At(i, j))
			Z.Set(n+i, j, -AQ.At(i, j))
			Z.Set(n+i, n+j, AinvT.At(i, j))
		}
	}
	U, err := stableSchurVectors(Z, n)
	if err != nil {
		return nil, err
	}
	// X U₁ = U₂, i.e. U₁ᵀ Xᵀ = U₂ᵀ
	U1, U2 := U.Slice(0, n, 0, n), U.Slice(n, 2*n, 0, n)
	var Xt mat.Dense
	if err := Xt.Solve(U1.T(), U2.T()); err != nil {
		return nil, fmt.Errorf("the stable subspace has a singular U₁ (no stabilising solution): %w", err)
	}
	return symmetrise(mat.DenseCopyOf(Xt.T())), nil
}

// stableSchurVectors returns the orthogonal Schur vectors of the real Schur
// form of Z (2n×2n) reordered so that its first n columns span the
// invariant subspace of the n eigenvalues inside the unit circle.
func stableSchurVectors(Z *mat.Dense, n int) (*mat.Dense, error) {
	N := 2 * n
	impl := gonum.Implementation{}
	h := mat.DenseCopyOf(Z)
	hr := h.RawMatrix()
	tau := make([]float64, N-1)
	work := make([]float64, 1)
	impl.Dgehrd(N, 0, N-1, hr.Data, hr.Stride, tau, work, -1)
	work = make([]float64, max(int(work[0]), N))
	impl.Dgehrd(N, 0, N-1, hr.Data, hr.Stride, tau, work, len(work))
	q := mat.DenseCopyOf(h)
	qr := q.RawMatrix()
	impl.Dorghr(N, 0, N-1, qr.Data, qr.Stride, tau, work, len(work))
	for i := range N { // H is what is on and above the subdiagonal
		for j := 0; j < i-1; j++ {
			h.Set(i, j, 0)
		}
	}
	wr, wi := make([]float64, N), make([]float64, N)
	work = make([]float64, 11*N)
	if impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, N, 0, N-1, hr.Data, hr.Stride, wr, wi, qr.Data, qr.Stride, work, len(work)) > 0 {
		return nil, errors.New("the Schur decomposition did not converge")
	}
	// move every block with |λ| < 1 up to the front, in order
	stable := func(i int) bool { return cmplx.Abs(complex(h.At(i, i), blockIm(h, i, N))) < 1 }
	next := 0
	for i := 0; i < N; {
		size := 1
		if i+1 < N && h.At(i+1, i) != 0 {
			size = 2
		}
		if stable(i) {
			_, last, ok := impl.Dtrexc(lapack.UpdateSchur, N, hr.Data, hr.Stride, qr.Data, qr.Stride, i, next, work)
			if !ok {
				return nil, errors.New("the Schur form could not be reordered (eigenvalues too close to the unit circle)")
			}
			next = last + size
		}
		i += size
	}
	if next != n {
		return nil, fmt.Errorf("%d eigenvalues inside the unit circle, want %d (eigenvalues on the unit circle: not stabilisable or not detectable)", next, n)
	}
	return q, nil
}

// blockIm is the imaginary part of the eigenvalue of the 2×2 block at row i
// of a real Schur form (0 for a 1×1 block).
func blockIm(t *mat.Dense, i, n int) float64 {
	switch {
	case i+1 < n && t.At(i+1, i) != 0:
		return math.Sqrt(math.Abs(t.At(i, i+1) * t.At(i+1, i)))
	case i > 0 && t.At(i, i-1) != 0:
		return math.Sqrt(math.Abs(t.At(i, i-1) * t.At(i-1, i)))
	}
	return 0
}

// LQRGain is K = (R + BᵀXB)⁻¹BᵀXA, the optimal feedback u = −Kx for the
// DARE solution X.
func LQRGain(A, B, R mat.Matrix, X *mat.Dense) (*mat.Dense, error) {
	var XB, S, BXA, K mat.Dense
	XB.Mul(X, B)
	S.Mul(B.T(), &XB)
	S.Add(&S, R)
	BXA.Mul(XB.T(), A)
	if err := K.Solve(&S, &BXA); err != nil {
		return nil, fmt.Errorf("R + BᵀXB is singular: %w", err)
	}
	return &K, nil
}

// KalmanGain is K = PHᵀ(HPHᵀ + R)⁻¹ for the prior covariance P.
func KalmanGain(P, H, R mat.Matrix) (*mat.Dense, error) {
	var PH, S, K mat.Dense
	PH.Mul(P, H.T())
	S.Mul(H, &PH)
	S.Add(&S, R)
	var Kt mat.Dense // S Kᵀ = H P (S and P symmetric)
	if err := Kt.Solve(&S, PH.T()); err != nil {
		return nil, fmt.Errorf("HPHᵀ + R is singular: %w", err)
	}
	K.CloneFrom(Kt.T())
	return &K, nil
}

// Eigenvalues returns the eigenvalues of the square matrix M.
func Eigenvalues(M mat.Matrix) []complex128 {
	var e mat.Eigen
	if !e.Factorize(M, mat.EigenNone) {
		return nil
	}
	return e.Values(nil)
}

// SpectralRadius is the largest |λ| of M.
func SpectralRadius(M mat.Matrix) float64 {
	r := 0.0
	for _, l := range Eigenvalues(M) {
		r = math.Max(r, cmplx.Abs(l))
	}
	return r
}

// Discretise returns the zero-order-hold discretisation of x' = Ac x + Bc u over dt:
// Ad = e^(Ac dt), Bd = ∫₀^dt e^(Ac s) ds Bc, from the exponential of the
// augmented matrix [[Ac, Bc], [0, 0]]·dt (Van Loan 1978).
func Discretise(Ac, Bc mat.Matrix, dt float64) (Ad, Bd *mat.Dense) {
	n, _ := Ac.Dims()
	_, m := Bc.Dims()
	M := mat.NewDense(n+m, n+m, nil)
	for i := range n {
		for j := range n {
			M.Set(i, j, Ac.At(i, j)*dt)
		}
		for j := range m {
			M.Set(i, n+j, Bc.At(i, j)*dt)
		}
	}
	var E mat.Dense
	E.Exp(M)
	return mat.DenseCopyOf(E.Slice(0, n, 0, n)), mat.DenseCopyOf(E.Slice(0, n, n, n+m))
}

// Rows copies a matrix into rows, for display.
func Rows(m mat.Matrix) [][]float64 {
	r, c := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = m.At(i, j)
		}
	}
	return out
}
