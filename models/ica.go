package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Independent component analysis: N sources mixed by a matrix A of chosen
// condition number, unmixed by Bell and Sejnowski's (1995) infomax with
// the plain gradient, by its natural (relative) gradient (Amari, Cichocki
// and Yang 1996), by extended infomax (Lee, Girolami and Sejnowski 1999),
// or by FastICA (Hyvärinen 1999), one update at a time. The start is set
// on the global matrix C = WA (W₀ = C₀A⁻¹, C₀ from the seed), so that a
// change of A at one seed shows what depends on it.

// Source kinds.
const (
	SrcLaplace  = "laplace"
	SrcSpeech   = "speech" // Gaussian noise under a slow log-normal envelope
	SrcUniform  = "uniform"
	SrcSine     = "sine"
	SrcSquare   = "square"
	SrcSawtooth = "sawtooth"
	SrcGauss    = "gauss"
	SrcMixed    = "mixed" // the others but Gaussian, in turn
)

// SourceKinds lists them.
var SourceKinds = []string{SrcLaplace, SrcSpeech, SrcUniform, SrcSine, SrcSquare, SrcSawtooth, SrcGauss, SrcMixed}

// ICA algorithms.
const (
	ICAInfomax  = "infomax"  // the plain gradient, ΔW ∝ (Wᵀ)⁻¹ + (1 − 2y)xᵀ
	ICANatural  = "natural"  // ΔW ∝ (I − φ(u)uᵀ)W, φ(u) = 2y − 1
	ICAExtended = "extended" // ΔW ∝ (I − K tanh(u)uᵀ − uuᵀ)W
	ICAFast     = "fastica"  // one fixed-point iteration on whitened data
)

// ICAAlgorithms lists them.
var ICAAlgorithms = []string{ICAInfomax, ICANatural, ICAExtended, ICAFast}

// ICAParams configures an experiment.
type ICAParams struct {
	Sources   int
	Kind      string
	Algorithm string
	Contrast  string // FastICA: "kurtosis" (g = u³) or "logcosh" (g = tanh u)
	Deflation bool   // FastICA: one component after another, not all at once
	Condition float64
	Samples   int
	Batch     int     // samples per infomax update
	Rate      float64 // infomax's step size η
}

// Validate names a setting out of range.
func (p ICAParams) Validate() error {
	switch {
	case p.Sources < 2 || p.Sources > 10:
		return fmt.Errorf("sources = %d: must be 2..10", p.Sources)
	case !(p.Condition >= 1 && p.Condition <= 1e4):
		return fmt.Errorf("condition = %g: must be 1..10000", p.Condition)
	case p.Samples < 100 || p.Samples > 1000000:
		return fmt.Errorf("samples = %d: must be 100..1000000", p.Samples)
	case p.Batch < 1 || p.Batch > p.Samples:
		return fmt.Errorf("batch = %d: must be 1..%d (the samples)", p.Batch, p.Samples)
	case !(p.Rate > 0 && p.Rate <= 1):
		return fmt.Errorf("rate = %g: must be in (0, 1]", p.Rate)
	case p.Contrast != "kurtosis" && p.Contrast != "logcosh":
		return fmt.Errorf("contrast = %q: must be kurtosis or logcosh", p.Contrast)
	}
	if !slices.Contains(SourceKinds, p.Kind) {
		return fmt.Errorf("kind = %q: must be one of %v", p.Kind, SourceKinds)
	}
	if !slices.Contains(ICAAlgorithms, p.Algorithm) {
		return fmt.Errorf("algorithm = %q: must be one of %v", p.Algorithm, ICAAlgorithms)
	}
	return nil
}

// ICA is one unmixing run.
type ICA struct {
	p ICAParams
	// S are the sources (N×M, each of zero mean and unit variance), A the
	// mixing, X = AS the mixtures
	S, A, X *mat.Dense
	// V whitens X (FastICA's input is Z = VX); W unmixes the algorithm's
	// input: X for infomax, Z for FastICA
	V, W  *mat.Dense
	Z     *mat.Dense
	Steps int
	// the last update: ‖ΔW‖/‖W‖, and FastICA's 1 − |⟨w⁺, w⟩| (largest
	// over the rows, or of the component in hand when deflating)
	Change, Gap float64
	K           []float64 // extended infomax: +1 super-, −1 sub-Gaussian, by output
	moments     [][3]float64
	Comp        int // deflation: the component in hand (N when done)
	rng         *rand.Rand
	order       []int
	pos         int
	diverged    bool
}

// ICAStartMin is the least Amari index of the start C₀.
const ICAStartMin = 0.3

// FastTol is the 1 − |⟨w⁺, w⟩| at which FastICA has converged.
const FastTol = 1e-12

// NewICA draws the sources, the start C₀ and the mixing, each from its
// own stream of the seed: the sources and C₀ are the same whatever the
// condition number.
func NewICA(p ICAParams, seed uint64) (*ICA, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n, m := p.Sources, p.Samples
	S := mat.NewDense(n, m, nil)
	srng := rand.New(rand.NewPCG(seed, 0x534f55))
	for i := range n {
		kind := p.Kind
		if kind == SrcMixed {
			kind = []string{SrcLaplace, SrcUniform, SrcSpeech, SrcSine, SrcSquare, SrcSawtooth}[i%6]
		}
		row := S.RawRowView(i)
		Source(kind, row, srng)
		standardise(row)
	}
	// C₀: rows of unit length, redrawn until it is far from separated (a
	// random 2×2 can start near a permutation)
	crng := rand.New(rand.NewPCG(seed, 0x43302))
	C0 := mat.NewDense(n, n, nil)
	for try := 0; try == 0 || Amari(C0) < ICAStartMin && try < 1000; try++ {
		for i := range n {
			row := C0.RawRowView(i)
			for j := range row {
				row[j] = crng.NormFloat64()
			}
			scale(row, 1/math.Sqrt(dot(row, row)))
		}
	}
	A := Mixing(n, p.Condition, rand.New(rand.NewPCG(seed, 0x414d4958)))
	X := mat.NewDense(n, m, nil)
	X.Mul(A, S)
	c := &ICA{p: p, S: S, A: A, X: X, rng: rand.New(rand.NewPCG(seed, 0x42415443)), K: ones(n), moments: make([][3]float64, n)}
	c.order = c.rng.Perm(m)
	c.V = whitener(X)
	c.W = mat.NewDense(n, n, nil)
	if p.Algorithm == ICAFast {
		// W₀ on Z: C₀ = W₀VA, made orthogonal as FastICA keeps it
		var VA mat.Dense
		VA.Mul(c.V, A)
		var inv mat.Dense
		if err := inv.Inverse(&VA); err != nil {
			return nil, fmt.Errorf("the mixing cannot be inverted: %v", err)
		}
		c.W.Mul(C0, &inv)
		symDecorrelate(c.W)
		c.Z = mat.NewDense(n, m, nil)
		c.Z.Mul(c.V, X)
	} else {
		var inv mat.Dense
		if err := inv.Inverse(A); err != nil {
			return nil, fmt.Errorf("the mixing cannot be inverted: %v", err)
		}
		c.W.Mul(C0, &inv)
	}
	c.Gap = math.Inf(1)
	return c, nil
}

// Params are the settings.
func (c *ICA) Params() ICAParams { return c.p }

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func scale(a []float64, k float64) {
	for i := range a {
		a[i] *= k
	}
}

// standardise gives x zero mean and unit variance.
func standardise(x []float64) {
	mu, sd := stat.MeanStdDev(x, nil)
	if sd == 0 {
		sd = 1
	}
	for i := range x {
		x[i] = (x[i] - mu) / sd
	}
}

// Source fills x with a signal of kind (not yet standardised).
func Source(kind string, x []float64, r *rand.Rand) {
	f := 0.002 + 0.05*r.Float64() // cycles per sample, each source its own
	ph := r.Float64()
	g := 0.0 // the speech envelope's slow log-amplitude
	for t := range x {
		ft := f*float64(t) + ph
		switch kind {
		case SrcLaplace:
			x[t] = r.ExpFloat64()
			if r.IntN(2) == 0 {
				x[t] = -x[t]
			}
		case SrcSpeech:
			g = 0.99*g + math.Sqrt(1-0.99*0.99)*r.NormFloat64()
			x[t] = math.Exp(0.6*g) * r.NormFloat64() // excess kurtosis 3e^(4·0.36) − 3 ≈ 10
		case SrcUniform:
			x[t] = r.Float64() - 0.5
		case SrcSine:
			x[t] = math.Sin(2 * math.Pi * ft)
		case SrcSquare:
			x[t] = math.Copysign(1, math.Sin(2*math.Pi*ft))
		case SrcSawtooth:
			x[t] = 2*(ft-math.Floor(ft)) - 1
		default:
			x[t] = r.NormFloat64()
		}
	}
}

// Mixing is a random n×n matrix UΣVᵀ with U and V random orthogonal and
// singular values from 1 down to 1/cond, spaced evenly in log.
func Mixing(n int, cond float64, r *rand.Rand) *mat.Dense {
	orth := func() *mat.Dense {
		g := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				g.Set(i, j, r.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(g)
		var q mat.Dense
		qr.QTo(&q)
		return &q
	}
	U, V := orth(), orth()
	sv := make([]float64, n)
	for i := range sv {
		sv[i] = math.Pow(cond, -float64(i)/float64(n-1))
	}
	var A mat.Dense
	A.Mul(U, mat.NewDiagDense(n, sv))
	A.Mul(&A, V.T())
	return &A
}

// whitener is V = D^(−1/2)Eᵀ from the covariance EDEᵀ of the rows of x.
func whitener(x *mat.Dense) *mat.Dense {
	n, m := x.Dims()
	var cov mat.SymDense
	cov.SymOuterK(1/float64(m), x)
	var e mat.EigenSym
	e.Factorize(&cov, true)
	var E mat.Dense
	e.VectorsTo(&E)
	vals := e.Values(nil)
	V := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			V.Set(i, j, E.At(j, i)/math.Sqrt(math.Max(vals[i], 1e-300)))
		}
	}
	return V
}

// symDecorrelate sets W to (WWᵀ)^(−1/2)W, the orthogonal matrix nearest it.
func symDecorrelate(W *mat.Dense) {
	n, _ := W.Dims()
	var wwt mat.SymDense
	wwt.SymOuterK(1, W)
	var e mat.EigenSym
	e.Factorize(&wwt, true)
	var E mat.Dense
	e.VectorsTo(&E)
	vals := e.Values(nil)
	d := make([]float64, n)
	for i, v := range vals {
		d[i] = 1 / math.Sqrt(math.Max(v, 1e-300))
	}
	var M mat.Dense
	M.Mul(&E, mat.NewDiagDense(n, d))
	M.Mul(&M, E.T())
	W.Mul(&M, W)
}

// Unmixing is the whole unmixing of the mixtures: W, or WV for FastICA.
func (c *ICA) Unmixing() *mat.Dense {
	var U mat.Dense
	if c.p.Algorithm == ICAFast {
		U.Mul(c.W, c.V)
	} else {
		U.CloneFrom(c.W)
	}
	return &U
}

// Global is C = (unmixing)·A: a scaled permutation once separated.
func (c *ICA) Global() *mat.Dense {
	var C mat.Dense
	C.Mul(c.Unmixing(), c.A)
	return &C
}

// Amari is the Amari index of C, normalised to lie in [0, 1]: 0 for a
// scaled permutation.
func Amari(C mat.Matrix) float64 {
	n, _ := C.Dims()
	if n < 2 {
		return 0
	}
	s := 0.0
	for i := range n {
		sum, mx := 0.0, 0.0
		for j := range n {
			a := math.Abs(C.At(i, j))
			sum += a
			mx = math.Max(mx, a)
		}
		s += sum/mx - 1
	}
	for j := range n {
		sum, mx := 0.0, 0.0
		for i := range n {
			a := math.Abs(C.At(i, j))
			sum += a
			mx = math.Max(mx, a)
		}
		s += sum/mx - 1
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 1
	}
	return s / float64(2*n*(n-1))
}

// rowSpread is Σ_i (Σ_j |c_ij| / max_j |c_ij| − 1): 0 when every row has
// one non-zero entry.
func rowSpread(C mat.Matrix) float64 {
	n, m := C.Dims()
	s := 0.0
	for i := range n {
		sum, mx := 0.0, 0.0
		for j := range m {
			a := math.Abs(C.At(i, j))
			sum += a
			mx = math.Max(mx, a)
		}
		s += sum/mx - 1
	}
	return s
}

// Amari is the run's Amari index now.
func (c *ICA) Amari() float64 {
	if c.diverged {
		return 1
	}
	return Amari(c.Global())
}

// Diverged reports that the unmixing blew up (too large a step): the run
// stops there.
func (c *ICA) Diverged() bool { return c.diverged }

// Converged reports that FastICA's fixed point is reached.
func (c *ICA) Converged() bool {
	if c.p.Algorithm != ICAFast {
		return false
	}
	if c.p.Deflation {
		return c.Comp >= c.p.Sources
	}
	return c.Gap < FastTol
}

// batch returns the next Batch samples of the input, in a fixed random
// order.
func (c *ICA) batch(in *mat.Dense) *mat.Dense {
	n, m := in.Dims()
	b := mat.NewDense(n, c.p.Batch, nil)
	for k := range c.p.Batch {
		col := c.order[c.pos]
		c.pos = (c.pos + 1) % m
		for i := range n {
			b.Set(i, k, in.At(i, col))
		}
	}
	return b
}

// Step is one update: a mini-batch for infomax, one fixed-point iteration
// over all samples for FastICA.
func (c *ICA) Step() {
	if c.diverged || c.Converged() {
		return
	}
	old := mat.DenseCopyOf(c.W)
	if c.p.Algorithm == ICAFast {
		c.fastStep()
	} else {
		c.infomaxStep()
	}
	c.Steps++
	var d mat.Dense
	d.Sub(c.W, old)
	c.Change = mat.Norm(&d, 2) / math.Max(mat.Norm(old, 2), 1e-300)
	if c.p.Algorithm == ICAFast {
		c.Change = c.Gap // a row may flip its sign: the change is in its direction
	}
	for _, v := range c.W.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 {
			c.diverged = true
			c.W = old
			return
		}
	}
}

func (c *ICA) infomaxStep() {
	n := c.p.Sources
	x := c.batch(c.X)
	_, B := x.Dims()
	var u mat.Dense
	u.Mul(c.W, x)
	phi := mat.NewDense(n, B, nil) // the score: 2y − 1 = tanh(u/2) for the logistic
	switch c.p.Algorithm {
	case ICAExtended:
		c.extendedSigns(&u)
		for i := range n {
			for k := range B {
				v := u.At(i, k)
				phi.Set(i, k, c.K[i]*math.Tanh(v)+v)
			}
		}
	default:
		for i := range n {
			for k := range B {
				phi.Set(i, k, math.Tanh(u.At(i, k)/2))
			}
		}
	}
	var grad mat.Dense
	if c.p.Algorithm == ICAInfomax {
		// (Wᵀ)⁻¹ − φ(u)xᵀ/B: the 1 − 2y of the paper is −φ
		var inv mat.Dense
		if err := inv.Inverse(c.W.T()); err != nil {
			c.diverged = true
			return
		}
		grad.Mul(phi, x.T())
		grad.Scale(-1/float64(B), &grad)
		grad.Add(&grad, &inv)
	} else {
		// (I − φ(u)uᵀ/B)W
		var g mat.Dense
		g.Mul(phi, u.T())
		g.Scale(-1/float64(B), &g)
		for i := range n {
			g.Set(i, i, g.At(i, i)+1)
		}
		grad.Mul(&g, c.W)
	}
	grad.Scale(c.p.Rate, &grad)
	c.W.Add(c.W, &grad)
}

// extendedSigns updates each output's switch k = sign(E[sech²u]E[u²] −
// E[u tanh u]) from running means of the moments over the batches.
func (c *ICA) extendedSigns(u *mat.Dense) {
	n, B := u.Dims()
	const keep = 0.9
	for i := range n {
		var s2, u2, ut float64
		for k := range B {
			v := u.At(i, k)
			t := math.Tanh(v)
			s2 += 1 - t*t
			u2 += v * v
			ut += v * t
		}
		m := &c.moments[i]
		now := [3]float64{s2 / float64(B), u2 / float64(B), ut / float64(B)}
		for j := range m {
			if c.Steps == 0 {
				m[j] = now[j]
			} else {
				m[j] = keep*m[j] + (1-keep)*now[j]
			}
		}
		c.K[i] = 1
		if m[0]*m[1]-m[2] < 0 {
			c.K[i] = -1
		}
	}
}

// g and its derivative for FastICA's contrast.
func (c *ICA) g(u float64) (float64, float64) {
	if c.p.Contrast == "kurtosis" {
		return u * u * u, 3 * u * u
	}
	t := math.Tanh(u)
	return t, 1 - t*t
}

// fixedPoint is w⁺ = E[z g(wᵀz)] − E[g′(wᵀz)]w for one row w.
func (c *ICA) fixedPoint(w []float64) []float64 {
	n, m := c.Z.Dims()
	out := make([]float64, n)
	mean := 0.0
	z := c.Z.RawMatrix()
	for k := range m {
		u := 0.0
		for i := range n {
			u += w[i] * z.Data[i*z.Stride+k]
		}
		gu, dg := c.g(u)
		mean += dg
		for i := range n {
			out[i] += z.Data[i*z.Stride+k] * gu
		}
	}
	for i := range out {
		out[i] = out[i]/float64(m) - mean/float64(m)*w[i]
	}
	return out
}

func (c *ICA) fastStep() {
	if c.p.Deflation {
		p := c.Comp
		w := append([]float64(nil), c.W.RawRowView(p)...)
		next := c.fixedPoint(w)
		for j := 0; j < p; j++ { // Gram–Schmidt against those found
			wj := c.W.RawRowView(j)
			scale2 := dot(next, wj)
			for i := range next {
				next[i] -= scale2 * wj[i]
			}
		}
		scale(next, 1/math.Sqrt(dot(next, next)))
		c.Gap = 1 - math.Abs(dot(next, w))
		c.W.SetRow(p, next)
		if c.Gap < FastTol {
			c.Comp++
			c.Gap = math.Inf(1)
		}
		return
	}
	c.Gap = FastSymmetric(c.W, c.Z, c.p.Contrast)
}

// FastSymmetric is one symmetric FastICA iteration on whitened data Z (a
// row a dimension): every row w⁺ = E[z g(wᵀz)] − E[g′(wᵀz)]w at once, then
// W = (WWᵀ)^(−1/2)W. It returns the largest 1 − |⟨w⁺, w⟩|.
func FastSymmetric(W, Z *mat.Dense, contrast string) float64 {
	k, _ := W.Dims()
	_, m := Z.Dims()
	old := mat.DenseCopyOf(W)
	var U mat.Dense
	U.Mul(W, Z)
	mean := make([]float64, k)
	for i := range k {
		row := U.RawRowView(i)
		for j, u := range row {
			if contrast == "kurtosis" {
				row[j], mean[i] = u*u*u, mean[i]+3*u*u
			} else {
				t := math.Tanh(u)
				row[j], mean[i] = t, mean[i]+1-t*t
			}
		}
	}
	W.Mul(&U, Z.T())
	for i := range k {
		row := W.RawRowView(i)
		o := old.RawRowView(i)
		for j := range row {
			row[j] = row[j]/float64(m) - mean[i]/float64(m)*o[j]
		}
	}
	symDecorrelate(W)
	gap := 0.0
	for i := range k {
		gap = math.Max(gap, 1-math.Abs(dot(W.RawRowView(i), old.RawRowView(i))))
	}
	return gap
}

// Outputs is the unmixed signals, (unmixing)·X.
func (c *ICA) Outputs() *mat.Dense {
	var Y mat.Dense
	Y.Mul(c.Unmixing(), c.X)
	return &Y
}

// ExcessKurtosis is E[x⁴]/E[x²]² − 3 about the mean: 0 for a Gaussian,
// 3 for a Laplacian, −1.2 for a uniform, −1.5 for a sine, −2 for a square.
func ExcessKurtosis(x []float64) float64 {
	mu := stat.Mean(x, nil)
	var m2, m4 float64
	for _, v := range x {
		d := (v - mu) * (v - mu)
		m2 += d
		m4 += d * d
	}
	n := float64(len(x))
	if m2 == 0 {
		return 0
	}
	return m4/n/((m2/n)*(m2/n)) - 3
}

// Kurtosis is each output's excess kurtosis.
func (c *ICA) Kurtosis() []float64 {
	Y := c.Outputs()
	n, _ := Y.Dims()
	out := make([]float64, n)
	for i := range n {
		out[i] = ExcessKurtosis(Y.RawRowView(i))
	}
	return out
}

// Match pairs each source with the output that carries most of it (C's
// largest entry in its column, each output used once, greedily by size),
// and the sign that aligns them: output Match()[j] ≈ sign[j]·source j.
func (c *ICA) Match() (out []int, sign []float64) {
	C := c.Global()
	n, _ := C.Dims()
	// the scale of each output: its row's norm
	out, sign = make([]int, n), make([]float64, n)
	usedR, usedC := make([]bool, n), make([]bool, n)
	for range n {
		bi, bj, best := -1, -1, -1.0
		for i := range n {
			if usedR[i] {
				continue
			}
			row := C.RawRowView(i)
			norm := math.Sqrt(dot(row, row))
			for j := range n {
				if usedC[j] {
					continue
				}
				if a := math.Abs(row[j]) / math.Max(norm, 1e-300); a > best {
					bi, bj, best = i, j, a
				}
			}
		}
		usedR[bi], usedC[bj] = true, true
		out[bj] = bi
		sign[bj] = math.Copysign(1, C.At(bi, bj))
	}
	return out, sign
}

// whitenedUnmixing is the unmixing seen from the whitened plane: B with
// u = Bz, z = Vx.
func (c *ICA) whitenedUnmixing() *mat.Dense {
	if c.p.Algorithm == ICAFast {
		return mat.DenseCopyOf(c.W)
	}
	var inv, B mat.Dense
	if err := inv.Inverse(c.V); err != nil {
		return mat.DenseCopyOf(c.W)
	}
	B.Mul(c.W, &inv)
	return &B
}

// WhitenedRows are the rows of the unmixing in the whitened plane, each of
// unit length (two sources).
func WhitenedRows(c *ICA) [][2]float64 {
	B := c.whitenedUnmixing()
	n, _ := B.Dims()
	var out [][2]float64
	for i := range n {
		a, b := B.At(i, 0), B.At(i, 1)
		l := math.Hypot(a, b)
		if l == 0 || n != 2 {
			continue
		}
		out = append(out, [2]float64{a / l, b / l})
	}
	return out
}

// ICAAngle is the angle of the unmixing's first row in the whitened plane
// (two sources), rad.
func ICAAngle(c *ICA) float64 {
	B := c.whitenedUnmixing()
	return math.Atan2(B.At(0, 1), B.At(0, 0))
}

// RotationContrast is the contrast |kurt(y₁)| + |kurt(y₂)| of whitened
// two-dimensional data z rotated by θ, y = R(θ)z, at n angles over
// [0, π/2) (its period: a quarter turn swaps or negates the outputs).
func RotationContrast(z *mat.Dense, n int) (theta, contrast []float64) {
	_, m := z.Dims()
	y1, y2 := make([]float64, m), make([]float64, m)
	for k := range n {
		th := float64(k) * math.Pi / 2 / float64(n)
		s, c := math.Sincos(th)
		for t := range m {
			a, b := z.At(0, t), z.At(1, t)
			y1[t], y2[t] = c*a+s*b, -s*a+c*b
		}
		theta = append(theta, th)
		contrast = append(contrast, math.Abs(ExcessKurtosis(y1))+math.Abs(ExcessKurtosis(y2)))
	}
	return theta, contrast
}
