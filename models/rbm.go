package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// RBMParams configures a restricted Boltzmann machine trained by
// contrastive divergence, with the defaults of Hinton's practical guide
// (2010): weights N(0, 0.01²), visible biases log(p/(1−p)) from the pixel
// means, learning rate 0.1, momentum 0.5 rising to 0.9 after five epochs,
// weight decay 0.0002.
type RBMParams struct {
	Visible, Hidden int
	K               int     // Gibbs steps of CD-k, 1..25
	Persistent      bool    // PCD: negative chains persist between updates
	Batch           int     // 1..1000
	Eta             float64 // learning rate
	Momentum        float64 // initial momentum; 0.9 after MomentumEpochs
	Decay           float64 // L2 weight decay
}

// MomentumEpochs is when the guide's momentum rises from 0.5 to 0.9.
const MomentumEpochs = 5

// GuideRBM is the practical guide's set-up for MNIST with h hidden units.
func GuideRBM(h int) RBMParams {
	return RBMParams{Visible: Pixels, Hidden: h, K: 1, Batch: 100, Eta: 0.1, Momentum: 0.5, Decay: 0.0002}
}

// Validate names the first bad field.
func (p RBMParams) Validate() error {
	switch {
	case p.Visible < 1 || p.Visible > 4096:
		return fmt.Errorf("visible = %d: must be 1..4096", p.Visible)
	case p.Hidden < 1 || p.Hidden > 4096:
		return fmt.Errorf("hidden = %d: must be 1..4096", p.Hidden)
	case p.K < 1 || p.K > 25:
		return fmt.Errorf("k = %d: must be 1..25", p.K)
	case p.Batch < 1 || p.Batch > 1000:
		return fmt.Errorf("batch = %d: must be 1..1000", p.Batch)
	case !(p.Eta > 0 && p.Eta <= 10):
		return fmt.Errorf("eta = %g: must be > 0 and ≤ 10", p.Eta)
	case !(p.Momentum >= 0 && p.Momentum < 1):
		return fmt.Errorf("momentum = %g: must be 0..0.99", p.Momentum)
	case !(p.Decay >= 0 && p.Decay <= 1):
		return fmt.Errorf("decay = %g: must be 0..1", p.Decay)
	}
	return nil
}

// RBM is a restricted Boltzmann machine with binary hidden units; the
// visible units take probabilities in [0, 1] as data (the guide allows
// it) and are reconstructed as probabilities. Energy
// E(v, h) = −a·v − b·h − vᵀWh; free energy F(v) = −a·v − Σ_j softplus(b_j + (vᵀW)_j).
type RBM struct {
	p       RBMParams
	rng     *rand.Rand
	W       *mat.Dense // Visible × Hidden
	A, B    []float64  // visible and hidden biases
	vW      *mat.Dense
	vA, vB  []float64
	chains  *mat.Dense // PCD: persistent visible states, Batch × Visible
	Updates int
	Epoch   int
}

// NewRBM initialises the machine; visMean (optional) sets the visible
// biases to log(p/(1−p)).
func NewRBM(p RBMParams, visMean []float64, rng *rand.Rand) (*RBM, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := &RBM{p: p, rng: rng, W: mat.NewDense(p.Visible, p.Hidden, nil), vW: mat.NewDense(p.Visible, p.Hidden, nil),
		A: make([]float64, p.Visible), B: make([]float64, p.Hidden), vA: make([]float64, p.Visible), vB: make([]float64, p.Hidden)}
	raw := r.W.RawMatrix().Data
	for i := range raw {
		raw[i] = 0.01 * rng.NormFloat64()
	}
	for i := range r.A {
		if i < len(visMean) {
			m := math.Min(math.Max(visMean[i], 1e-3), 1-1e-3)
			r.A[i] = math.Log(m / (1 - m))
		}
	}
	return r, nil
}

// Params returns the parameters.
func (r *RBM) Params() RBMParams { return r.p }

// hiddenProbs returns σ(b + V·W) for the rows of V.
func (r *RBM) hiddenProbs(V *mat.Dense) *mat.Dense { return sigmoidLayer(V, r.W, r.B) }

// visibleProbs returns σ(a + H·Wᵀ) for the rows of H.
func (r *RBM) visibleProbs(H *mat.Dense) *mat.Dense { return sigmoidLayer(H, r.W.T(), r.A) }

// sigmoidLayer is σ(bias + X·M), the bias added to every row.
func sigmoidLayer(X *mat.Dense, M mat.Matrix, bias []float64) *mat.Dense {
	n, _ := X.Dims()
	Y := mat.NewDense(n, len(bias), nil)
	Y.Mul(X, M)
	for i := 0; i < n; i++ {
		row := Y.RawRowView(i)
		for j := range row {
			row[j] = sigmoid(row[j] + bias[j])
		}
	}
	return Y
}

func (r *RBM) sample(P *mat.Dense) *mat.Dense {
	n, m := P.Dims()
	S := mat.NewDense(n, m, nil)
	src, dst := P.RawMatrix().Data, S.RawMatrix().Data
	for i, p := range src {
		if r.rng.Float64() < p {
			dst[i] = 1
		}
	}
	return S
}

// Images makes the batch matrix of images (pixels scaled to [0, 1]).
func Images(d Digits, idx []int) *mat.Dense {
	V := mat.NewDense(len(idx), Pixels, nil)
	raw := V.RawMatrix().Data
	for r, i := range idx {
		img := d.Image(i)
		row := raw[r*Pixels : (r+1)*Pixels]
		for k, b := range img {
			row[k] = pixelScale[b]
		}
	}
	return V
}

// Train does one CD-k (or PCD-k) update on the batch V and returns its
// reconstruction error: the mean over images of Σ (v − v̂)², v̂ the
// one-step reconstruction from sampled hidden states.
func (r *RBM) Train(V *mat.Dense) float64 {
	n, _ := V.Dims()
	H0 := r.hiddenProbs(V)
	hs := r.sample(H0)
	recon := r.visibleProbs(hs)
	// the negative chain: from the data (CD) or from the persistent chains (PCD)
	var Vn *mat.Dense
	if r.p.Persistent {
		// fantasy particles: binary states carried from update to update
		if r.chains == nil {
			r.chains = r.sample(V)
		}
		Vn = r.chains
		for range r.p.K {
			Vn = r.sample(r.visibleProbs(r.sample(r.hiddenProbs(Vn))))
		}
		r.chains = Vn
	} else {
		Vn = recon
		for k := 1; k < r.p.K; k++ {
			Vn = r.visibleProbs(r.sample(r.hiddenProbs(Vn)))
		}
	}
	Hn := r.hiddenProbs(Vn)
	nn, _ := Vn.Dims()
	mu := r.p.Momentum
	if r.Epoch >= MomentumEpochs {
		mu = 0.9
	}
	eta := r.p.Eta
	// vW = μ·vW + η·(⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model − decay·W); W += vW, the
	// two correlations added into vW by the products themselves.
	vw, w := r.vW.RawMatrix(), r.W.RawMatrix()
	for i := range vw.Rows {
		vr, wr := vw.Data[i*vw.Stride:i*vw.Stride+vw.Cols], w.Data[i*w.Stride:i*w.Stride+w.Cols]
		for j := range vr {
			vr[j] = mu*vr[j] - eta*r.p.Decay*wr[j]
		}
	}
	blas64.Gemm(blas.Trans, blas.NoTrans, eta/float64(n), V.RawMatrix(), H0.RawMatrix(), 1, vw)
	blas64.Gemm(blas.Trans, blas.NoTrans, -eta/float64(nn), Vn.RawMatrix(), Hn.RawMatrix(), 1, vw)
	r.W.Add(r.W, r.vW)
	colMean := func(M *mat.Dense, j int) float64 {
		rows, _ := M.Dims()
		var s float64
		for i := 0; i < rows; i++ {
			s += M.At(i, j)
		}
		return s / float64(rows)
	}
	for i := range r.A {
		r.vA[i] = mu*r.vA[i] + eta*(colMean(V, i)-colMean(Vn, i))
		r.A[i] += r.vA[i]
	}
	for j := range r.B {
		r.vB[j] = mu*r.vB[j] + eta*(colMean(H0, j)-colMean(Hn, j))
		r.B[j] += r.vB[j]
	}
	r.Updates++
	var e float64
	d, rc := V.RawMatrix().Data, recon.RawMatrix().Data
	for i := range d {
		e += (d[i] - rc[i]) * (d[i] - rc[i])
	}
	return e / float64(n)
}

// FreeEnergy is F(v) = −a·v − Σ_j softplus(b_j + (vᵀW)_j).
func (r *RBM) FreeEnergy(v []float64) float64 {
	f := 0.0
	for i, x := range v {
		f -= r.A[i] * x
	}
	for j := 0; j < r.p.Hidden; j++ {
		x := r.B[j]
		for i, vi := range v {
			if vi != 0 {
				x += vi * r.W.At(i, j)
			}
		}
		f -= softplus(x)
	}
	return f
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// MeanFreeEnergy is the mean free energy of images idx of d.
func (r *RBM) MeanFreeEnergy(d Digits, idx []int) float64 {
	V := Images(d, idx)
	var H mat.Dense
	H.Mul(V, r.W)
	n := len(idx)
	var s float64
	for k := 0; k < n; k++ {
		row := V.RawRowView(k)
		for i, x := range row {
			s -= r.A[i] * x
		}
		for j, x := range H.RawRowView(k) {
			s -= softplus(x + r.B[j])
		}
	}
	return s / float64(n)
}

// PseudoLikelihood is the mean log pseudo-likelihood of binarised images
// idx of d, estimated with one random pixel per image: N·log σ(F(ṽ) − F(v)),
// ṽ being v with that pixel flipped. A proxy for the log-likelihood,
// which reconstruction error is not. The pixels are drawn from a stream of
// their own (from seed): measuring leaves the training as it would have been.
func (r *RBM) PseudoLikelihood(d Digits, idx []int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 0x95e0d0))
	var s float64
	v := make([]float64, Pixels)
	for _, i := range idx {
		for k, b := range d.Image(i) {
			v[k] = 0
			if b >= 128 {
				v[k] = 1
			}
		}
		f := r.FreeEnergy(v)
		k := rng.IntN(Pixels)
		v[k] = 1 - v[k]
		ft := r.FreeEnergy(v)
		s += float64(Pixels) * math.Log(math.Max(sigmoid(ft-f), 1e-300))
	}
	return s / float64(len(idx))
}

// ownStream makes the machine sample from a stream of its own (from
// seed) until the function it returns puts its training stream back.
func (r *RBM) ownStream(seed uint64) (restore func()) {
	saved := r.rng
	r.rng = rand.New(rand.NewPCG(seed, 0xd4ea3))
	return func() { r.rng = saved }
}

// Reconstruct returns the one-step mean-field reconstruction of v.
func (r *RBM) Reconstruct(v []float64) []float64 {
	V := mat.NewDense(1, len(v), append([]float64(nil), v...))
	R := r.visibleProbs(r.hiddenProbs(V))
	return R.RawRowView(0)
}

// Dream runs Gibbs sampling from v for k steps and returns the visible
// probabilities at the end: a sample of what the machine believes in. It
// draws on a random stream of its own (from seed), so that dreaming leaves
// the machine's training exactly as it would have been.
func (r *RBM) Dream(v []float64, k int, seed uint64) []float64 {
	defer r.ownStream(seed)()
	V := mat.NewDense(1, len(v), append([]float64(nil), v...))
	for range k {
		V = r.visibleProbs(r.sample(r.hiddenProbs(V)))
	}
	return V.RawRowView(0)
}

// LogLikelihood is the exact mean log-likelihood of binary data for a
// machine small enough to enumerate its visible states (Visible ≤ 20):
// log p(v) = −F(v) − log Z, Z = Σ_v e^(−F(v)).
func (r *RBM) LogLikelihood(data [][]float64) float64 {
	n := r.p.Visible
	fs := make([]float64, 1<<n)
	v := make([]float64, n)
	mx := math.Inf(-1)
	for x := range fs {
		for i := range v {
			v[i] = float64(x >> i & 1)
		}
		fs[x] = -r.FreeEnergy(v)
		mx = math.Max(mx, fs[x])
	}
	var z float64
	for _, f := range fs {
		z += math.Exp(f - mx)
	}
	logZ := mx + math.Log(z)
	var ll float64
	for _, d := range data {
		ll += -r.FreeEnergy(d) - logZ
	}
	return ll / float64(len(data))
}

// TrainBatchOf trains on rows of binary data (small problems, tests).
func (r *RBM) TrainBatchOf(data [][]float64) float64 {
	V := mat.NewDense(len(data), r.p.Visible, nil)
	for i, d := range data {
		V.SetRow(i, d)
	}
	return r.Train(V)
}

// BarsAndStripes returns the 2·2^s − 2 distinct s×s bars-and-stripes
// images (each row all on or all off, or each column), the classic tiny
// data set for exact RBM likelihoods (MacKay 2003).
func BarsAndStripes(s int) [][]float64 {
	seen := map[string]bool{}
	var out [][]float64
	for m := 0; m < 1<<s; m++ {
		for _, rows := range []bool{true, false} {
			v := make([]float64, s*s)
			for i := 0; i < s; i++ {
				for j := 0; j < s; j++ {
					k := j
					if rows {
						k = i
					}
					v[i*s+j] = float64(m >> k & 1)
				}
			}
			key := fmt.Sprint(v)
			if !seen[key] {
				seen[key] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// PixelMeans is the mean intensity (0..1) of each pixel over d.
func PixelMeans(d Digits) []float64 {
	m := make([]float64, Pixels)
	for i := 0; i < d.Len(); i++ {
		for k, b := range d.Image(i) {
			m[k] += pixelScale[b]
		}
	}
	for k := range m {
		m[k] /= float64(d.Len())
	}
	return m
}

// HiddenProbs is σ(b + VW) for the rows of V.
func (r *RBM) HiddenProbs(V *mat.Dense) *mat.Dense { return r.hiddenProbs(V) }

// VisibleProbs is σ(a + HWᵀ) for the rows of H.
func (r *RBM) VisibleProbs(H *mat.Dense) *mat.Dense { return r.visibleProbs(H) }

// Sample draws binary states with the given probabilities.
func (r *RBM) Sample(P *mat.Dense) *mat.Dense { return r.sample(P) }

// WeightsInputMajor returns W (Visible × Hidden, row-major) and the hidden
// biases: the layout of an MLP layer from the visible to the hidden units.
func (r *RBM) WeightsInputMajor() (w, b []float64) {
	return append([]float64(nil), r.W.RawMatrix().Data...), append([]float64(nil), r.B...)
}

// RBMTrainer trains an RBM on MNIST one mini-batch per Step.
type RBMTrainer struct {
	RBM     *RBM
	Data    *MNIST
	rng     *rand.Rand
	order   []int
	pos     int
	Batches int
	Last    float64 // reconstruction error of the last batch
}

// NewRBMTrainer makes the machine and its trainer, on the MNIST files of
// mnistDir ("" for the embedded copy).
func NewRBMTrainer(p RBMParams, mnistDir string, seed uint64) (*RBMTrainer, error) {
	data, err := LoadMNISTFrom(mnistDir)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x7b3))
	r, err := NewRBM(p, PixelMeans(data.Train), rng)
	if err != nil {
		return nil, err
	}
	return &RBMTrainer{RBM: r, Data: data, rng: rng, order: rng.Perm(data.Train.Len())}, nil
}

// Step trains on the next mini-batch.
func (t *RBMTrainer) Step() {
	b := t.RBM.Params().Batch
	n := t.Data.Train.Len()
	if t.pos+b > n {
		t.pos = 0
		t.RBM.Epoch++
		t.rng.Shuffle(n, func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	}
	t.Last = t.RBM.Train(Images(t.Data.Train, t.order[t.pos:t.pos+b]))
	t.pos += b
	t.Batches++
}

// FreeEnergyGap is the mean free energy of 500 held-out (validation)
// images minus that of 500 training images: it grows when the machine
// overfits (Hinton's guide).
func (t *RBMTrainer) FreeEnergyGap() float64 {
	idx := make([]int, 500)
	for i := range idx {
		idx[i] = i
	}
	return t.RBM.MeanFreeEnergy(t.Data.Val, idx) - t.RBM.MeanFreeEnergy(t.Data.Train, idx)
}
