package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// MLP choices.
const (
	Sigmoid = "sigmoid"
	Tanh    = "tanh"
	ReLU    = "relu"

	Quadratic = "quadratic" // sigmoid outputs, quadratic cost (Nielsen's network.py)
	Softmax   = "softmax"   // softmax outputs, cross-entropy cost

	InitNormal = "normal" // weights and biases N(0, 1), as Nielsen
	InitScaled = "scaled" // weights N(0, 1/n_in), biases N(0, 1)
	InitGlorot = "glorot" // weights U(±√(6/(n_in+n_out))), biases 0 (Glorot and Bengio 2010)
	InitSmall  = "small"  // weights N(0, 0.01²), biases 0: the "small random" start of the deep-learning comparisons
)

// Choices of the MLP.
var (
	Activations = []string{Sigmoid, Tanh, ReLU}
	Outputs     = []string{Quadratic, Softmax}
	Inits       = []string{InitNormal, InitScaled, InitGlorot, InitSmall}
)

// MLPParams configures a multilayer perceptron and its training.
type MLPParams struct {
	Sizes      []int   // layer widths, input first: [784, 30, 10]
	Activation string  // hidden units
	Output     string  // Quadratic or Softmax
	Init       string  // InitNormal, InitScaled or InitGlorot
	Batch      int     // mini-batch size, 1..1000
	Eta        float64 // learning rate, > 0
	Momentum   float64 // 0..0.99
	L2         float64 // λ ≥ 0: each update also shrinks w by ηλ/n, n the training set size
}

// Validate names the first bad field, its value and the valid range.
func (p MLPParams) Validate() error {
	if len(p.Sizes) < 2 {
		return fmt.Errorf("sizes = %v: need at least an input and an output layer", p.Sizes)
	}
	for i, s := range p.Sizes {
		if s < 1 || s > 4096 {
			return fmt.Errorf("layer %d has %d units: must be 1..4096", i, s)
		}
	}
	has := func(c string, cs []string) bool {
		for _, x := range cs {
			if x == c {
				return true
			}
		}
		return false
	}
	switch {
	case !has(p.Activation, Activations):
		return fmt.Errorf("activation = %q: must be one of sigmoid, tanh, relu", p.Activation)
	case !has(p.Output, Outputs):
		return fmt.Errorf("output = %q: must be one of quadratic, softmax", p.Output)
	case !has(p.Init, Inits):
		return fmt.Errorf("init = %q: must be one of normal, scaled, glorot, small", p.Init)
	case p.Batch < 1 || p.Batch > 1000:
		return fmt.Errorf("batch = %d: must be 1..1000", p.Batch)
	case !(p.Eta > 0 && p.Eta <= 100):
		return fmt.Errorf("eta = %g: must be > 0 and ≤ 100", p.Eta)
	case !(p.Momentum >= 0 && p.Momentum <= 0.99):
		return fmt.Errorf("momentum = %g: must be 0..0.99", p.Momentum)
	case !(p.L2 >= 0 && p.L2 <= 1000):
		return fmt.Errorf("l2 = %g: must be 0..1000", p.L2)
	}
	return nil
}

// MLP is a fully connected network trained by backpropagation (Rumelhart,
// Hinton and Williams 1986). Layer l's weights are stored input-major,
// W[l][i·out + j] from input i to unit j, so that a sparse input (MNIST is
// about 80% zeros) costs only its non-zero pixels in the first layer.
type MLP struct {
	p      MLPParams
	W, B   [][]float64
	vW, vB [][]float64 // momentum
	gW, gB [][]float64 // gradient accumulators of the current batch
	z, a   [][]float64 // per layer, of the current sample (a[0] unused: the input is sparse)
	d      [][]float64 // deltas
	idx    []int       // the current input's non-zero entries
	val    []float64
	// direct: plain SGD in TrainBatch keeps each sample's first-layer
	// input and delta and applies them straight to W at the end of the
	// batch, with no gradient accumulator to write and clear
	direct  bool
	keptIdx [][]int
	keptVal [][]float64
	keptD   [][]float64
	kept    int
	scratch batchScratch
	// exact: the batched step's products in float64, not float32
	// (gemm.F32), for comparing it with the per-sample step to the last bits
	exact bool
	twin  *MLP // a copy with its own buffers, for ClassifyShifted's second core
}

// pixelScale maps a byte to 0..1.
var pixelScale = func() (t [256]float64) {
	for i := range t {
		t[i] = float64(i) / 255
	}
	return t
}()

// NewMLP initialises a network from rng.
func NewMLP(p MLPParams, rng *rand.Rand) (*MLP, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &MLP{p: p}
	L := len(p.Sizes) - 1
	alloc := func() [][]float64 {
		out := make([][]float64, L)
		for l := range out {
			out[l] = make([]float64, p.Sizes[l]*p.Sizes[l+1])
		}
		return out
	}
	allocB := func() [][]float64 {
		out := make([][]float64, L)
		for l := range out {
			out[l] = make([]float64, p.Sizes[l+1])
		}
		return out
	}
	m.W, m.vW, m.gW = alloc(), alloc(), alloc()
	m.B, m.vB, m.gB, m.z, m.d = allocB(), allocB(), allocB(), allocB(), allocB()
	m.a = allocB()
	for l := 0; l < L; l++ {
		nin, nout := p.Sizes[l], p.Sizes[l+1]
		for k := range m.W[l] {
			switch p.Init {
			case InitNormal:
				m.W[l][k] = rng.NormFloat64()
			case InitScaled:
				m.W[l][k] = rng.NormFloat64() / math.Sqrt(float64(nin))
			case InitGlorot:
				r := math.Sqrt(6 / float64(nin+nout))
				m.W[l][k] = r * (2*rng.Float64() - 1)
			case InitSmall:
				m.W[l][k] = 0.01 * rng.NormFloat64()
			}
		}
		if p.Init != InitGlorot && p.Init != InitSmall {
			for k := range m.B[l] {
				m.B[l][k] = rng.NormFloat64()
			}
		}
	}
	return m, nil
}

// Params returns the parameters.
func (m *MLP) Params() MLPParams { return m.p }

func (m *MLP) act(z float64) float64 {
	switch m.p.Activation {
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		return math.Max(0, z)
	}
	return sigmoid(z)
}

// actPrime is the activation's derivative, from z and a = act(z).
func (m *MLP) actPrime(z, a float64) float64 {
	switch m.p.Activation {
	case Tanh:
		return 1 - a*a
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	}
	return a * (1 - a)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// setInput keeps the non-zero entries of x.
func (m *MLP) setInput(x []float64) {
	m.idx, m.val = m.idx[:0], m.val[:0]
	for i, v := range x {
		if v != 0 {
			m.idx, m.val = append(m.idx, i), append(m.val, v)
		}
	}
}

// setImage keeps the non-zero pixels of an MNIST image, scaled to 0..1.
func (m *MLP) setImage(img []byte) {
	m.idx, m.val = m.idx[:0], m.val[:0]
	for i, v := range img {
		if v != 0 {
			m.idx, m.val = append(m.idx, i), append(m.val, pixelScale[v])
		}
	}
}

// forward runs the current input through the network; the outputs are in
// the last layer of a.
func (m *MLP) forward() []float64 {
	L := len(m.W)
	for l := 0; l < L; l++ {
		nout := m.p.Sizes[l+1]
		z := m.z[l]
		copy(z, m.B[l])
		W := m.W[l]
		if l == 0 {
			for k, i := range m.idx {
				v := m.val[k]
				row := W[i*nout : (i+1)*nout]
				z := z[:len(row)]
				for j, w := range row {
					z[j] += v * w
				}
			}
		} else {
			for i, v := range m.a[l-1] {
				if v == 0 {
					continue
				}
				row := W[i*nout : (i+1)*nout]
				z := z[:len(row)]
				for j, w := range row {
					z[j] += v * w
				}
			}
		}
		a := m.a[l]
		if l == L-1 && m.p.Output == Softmax {
			softmax(z, a)
		} else if l == L-1 {
			for j, v := range z {
				a[j] = sigmoid(v)
			}
		} else {
			for j, v := range z {
				a[j] = m.act(v)
			}
		}
	}
	return m.a[L-1]
}

func softmax(z, a []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var s float64
	for j, v := range z {
		a[j] = math.Exp(v - mx)
		s += a[j]
	}
	for j := range a {
		a[j] /= s
	}
}

// loss is the cost of the current outputs for label y.
func (m *MLP) loss(y int) float64 { return outputLoss(m.p.Output, m.a[len(m.a)-1], y) }

// outputLoss is the cost of outputs out for label y: cross-entropy after a
// softmax, half the squared error otherwise.
func outputLoss(output string, out []float64, y int) float64 {
	if output == Softmax {
		return -math.Log(math.Max(out[y], 1e-300))
	}
	var s float64
	for j, v := range out {
		t := 0.0
		if j == y {
			t = 1
		}
		s += (v - t) * (v - t)
	}
	return s / 2
}

// backward adds the current sample's gradient (label y) to the accumulators.
func (m *MLP) backward(y int) {
	L := len(m.W)
	out := m.a[L-1]
	d := m.d[L-1]
	for j, v := range out {
		t := 0.0
		if j == y {
			t = 1
		}
		if m.p.Output == Softmax {
			d[j] = v - t // softmax with cross-entropy: δ = a − y
		} else {
			d[j] = (v - t) * v * (1 - v) // quadratic cost, sigmoid: δ = (a − y)·σ'(z)
		}
	}
	for l := L - 1; l >= 0; l-- {
		nout := m.p.Sizes[l+1]
		d := m.d[l]
		for j, v := range d {
			m.gB[l][j] += v
		}
		gW, W := m.gW[l], m.W[l]
		if l == 0 && m.direct {
			k := m.kept
			if k == len(m.keptD) {
				m.keptIdx, m.keptVal = append(m.keptIdx, nil), append(m.keptVal, nil)
				m.keptD = append(m.keptD, make([]float64, nout))
			}
			m.keptIdx[k] = append(m.keptIdx[k][:0], m.idx...)
			m.keptVal[k] = append(m.keptVal[k][:0], m.val...)
			copy(m.keptD[k], d)
			m.kept++
			break
		}
		if l == 0 {
			for k, i := range m.idx {
				v := m.val[k]
				row := gW[i*nout : (i+1)*nout]
				row = row[:len(d)]
				for j, dj := range d {
					row[j] += v * dj
				}
			}
			break
		}
		prev, pd, pz := m.a[l-1], m.d[l-1], m.z[l-1]
		for i, v := range prev {
			row := W[i*nout : (i+1)*nout]
			grow := gW[i*nout : (i+1)*nout]
			row, grow = row[:len(d)], grow[:len(d)]
			var s float64
			for j, dj := range d {
				s += row[j] * dj
				grow[j] += v * dj
			}
			pd[i] = s * m.actPrime(pz[i], v)
		}
	}
}

// Predict returns the outputs for an MNIST image (the network's own
// slice: copy it to keep it).
func (m *MLP) Predict(img []byte) []float64 {
	m.setImage(img)
	return m.forward()
}

func argmax(v []float64) int {
	k := 0
	for j := range v {
		if v[j] > v[k] {
			k = j
		}
	}
	return k
}

// Classify returns the predicted digit of an image.
func (m *MLP) Classify(img []byte) int { return argmax(m.Predict(img)) }

// Accuracy is the fraction of d classified correctly.
func (m *MLP) Accuracy(d Digits) float64 {
	if d.Len() == 0 {
		return math.NaN()
	}
	c := 0
	for i := 0; i < d.Len(); i++ {
		if m.Classify(d.Image(i)) == int(d.Labels[i]) {
			c++
		}
	}
	return float64(c) / float64(d.Len())
}

// Confusion counts (true, predicted) pairs over d.
func (m *MLP) Confusion(d Digits) [10][10]int {
	var c [10][10]int
	for i := 0; i < d.Len(); i++ {
		c[d.Labels[i]][m.Classify(d.Image(i))]++
	}
	return c
}

// update applies the accumulated gradient of a batch of size bs, with n
// the training set size for the L2 term, and clears the accumulators.
func (m *MLP) update(bs, n int) {
	eta, mu := m.p.Eta, m.p.Momentum
	decay := eta * m.p.L2 / float64(n)
	scale := eta / float64(bs)
	for l := range m.W {
		W, V, G := m.W[l], m.vW[l], m.gW[l]
		if l == 0 && m.direct {
			// plain SGD: W −= (η/m)·Σ x ⊗ δ, sample by sample, sparse in x
			nout := m.p.Sizes[1]
			for s := 0; s < m.kept; s++ {
				d := m.keptD[s]
				for k, i := range m.keptIdx[s] {
					v := -scale * m.keptVal[s][k]
					w := W[i*nout : (i+1)*nout]
					w = w[:len(d)]
					for j, dj := range d {
						w[j] += v * dj
					}
				}
			}
			m.kept = 0
		} else {
			for k := range W {
				V[k] = mu*V[k] - scale*G[k] - decay*W[k]
				W[k] += V[k]
				G[k] = 0
			}
		}
		B, VB, GB := m.B[l], m.vB[l], m.gB[l]
		for k := range B {
			VB[k] = mu*VB[k] - scale*GB[k]
			B[k] += VB[k]
			GB[k] = 0
		}
	}
}

// TrainBatch does one step of mini-batch gradient descent on the images
// of d at indices batch, n being the training set size (for L2), and
// returns the mean loss of the batch before the step.
func (m *MLP) TrainBatch(d Digits, batch []int, n int) float64 {
	m.direct = m.p.Momentum == 0 && m.p.L2 == 0
	defer func() { m.direct = false }()
	if len(batch) >= batchedFrom {
		return m.trainBatched(d, batch, n)
	}
	return m.trainSamples(d, batch, n)
}

// trainSamples is TrainBatch one sample at a time.
func (m *MLP) trainSamples(d Digits, batch []int, n int) float64 {
	var loss float64
	for _, i := range batch {
		m.setImage(d.Image(i))
		m.forward()
		y := int(d.Labels[i])
		loss += m.loss(y)
		m.backward(y)
	}
	m.update(len(batch), n)
	return loss / float64(len(batch))
}

// FirstLayer returns hidden unit j's incoming weights from the input, in
// input order (a 28×28 image for MNIST).
func (m *MLP) FirstLayer(j int) []float64 {
	nout := m.p.Sizes[1]
	out := make([]float64, m.p.Sizes[0])
	for i := range out {
		out[i] = m.W[0][i*nout+j]
	}
	return out
}

// GradCheckResult is a gradient check of a small net: the relative error of
// backprop against finite differences, the time each took and the number
// of parameters checked.
type GradCheckResult struct {
	Rel    float64
	BP, FD time.Duration
	Params int
}

// SmallGradCheck checks backprop against finite differences (h = 1e-5) on
// a 20-15-10 net with p's activation and cost, on one random input.
func SmallGradCheck(p MLPParams, seed uint64) GradCheckResult {
	rng := rand.New(rand.NewPCG(seed, 0x9c))
	p.Sizes, p.Init = []int{20, 15, 10}, InitScaled
	m, err := NewMLP(p, rng)
	if err != nil {
		return GradCheckResult{Rel: math.NaN()}
	}
	x := make([]float64, 20)
	for i := range x {
		x[i] = rng.Float64()
	}
	rel, bp, fd := m.GradCheck(x, rng.IntN(10), 1e-5)
	return GradCheckResult{Rel: rel, BP: bp, FD: fd, Params: 20*15 + 15 + 15*10 + 10}
}

// GradCheck compares backpropagation with central finite differences on a
// sample (x, y) for every weight and bias: it returns the relative error
// ‖g_bp − g_fd‖ / (‖g_bp‖ + ‖g_fd‖) over all of them and how long each took.
// Finite differences need two forward passes per parameter; backprop one
// forward and one backward pass for all of them.
func (m *MLP) GradCheck(x []float64, y int, h float64) (maxRel float64, bp, fd time.Duration) {
	m.setInput(x)
	start := time.Now()
	m.forward()
	m.backward(y)
	bp = time.Since(start)
	maxRel, fd = m.gradCheckAccumulated(x, y, h)
	return maxRel, bp, fd
}

// gradCheckAccumulated compares the accumulated gradient with finite
// differences at x and clears it.
func (m *MLP) gradCheckAccumulated(x []float64, y int, h float64) (maxRel float64, fd time.Duration) {
	m.setInput(x)
	grads := [][][]float64{m.gW, m.gB}
	params := [][][]float64{m.W, m.B}
	start := time.Now()
	var diff, nb, nf float64
	for k := range params {
		for l := range params[k] {
			ps, gs := params[k][l], grads[k][l]
			for i := range ps {
				old := ps[i]
				ps[i] = old + h
				m.forward()
				lp := m.loss(y)
				ps[i] = old - h
				m.forward()
				lm := m.loss(y)
				ps[i] = old
				num := (lp - lm) / (2 * h)
				diff += (gs[i] - num) * (gs[i] - num)
				nb += gs[i] * gs[i]
				nf += num * num
			}
		}
	}
	fd = time.Since(start)
	maxRel = math.Sqrt(diff) / math.Max(math.Sqrt(nb)+math.Sqrt(nf), 1e-300)
	for l := range m.gW { // leave no gradient behind
		clear(m.gW[l])
		clear(m.gB[l])
	}
	return maxRel, fd
}

// Trainer trains an MLP on MNIST one mini-batch per Step, reshuffling the
// training set every epoch.
type Trainer struct {
	Net  *MLP
	Data *MNIST
	Walk
}

// Walk goes through a training set in mini-batches, reshuffled every
// epoch, and keeps the losses.
type Walk struct {
	rng       *rand.Rand
	order     []int
	pos       int
	batch     int
	Epoch     int     // completed epochs
	Batches   int     // mini-batches done
	LastLoss  float64 // mean loss of the last batch
	EpochLoss float64 // running mean loss over the current epoch
	DoneLoss  float64 // mean loss over the last completed epoch
	epochN    int
}

// newWalk walks n samples in batches, in orders drawn from the data
// stream of seed: nets with different initialisations see the same
// mini-batches in the same order.
func newWalk(n, batch int, seed uint64) Walk {
	rng := rand.New(rand.NewPCG(seed, 0x0de4))
	return Walk{rng: rng, order: rng.Perm(n), batch: batch}
}

// NewTrainer makes a network from p and seed and the trainer on data.
func NewTrainer(p MLPParams, data *MNIST, seed uint64) (*Trainer, error) {
	if p.Sizes[0] != Pixels || p.Sizes[len(p.Sizes)-1] != 10 {
		return nil, fmt.Errorf("sizes = %v: MNIST needs 784 inputs and 10 outputs", p.Sizes)
	}
	net, err := NewMLP(p, rand.New(rand.NewPCG(seed, 0xbac4)))
	if err != nil {
		return nil, err
	}
	return &Trainer{Net: net, Data: data, Walk: newWalk(data.Train.Len(), p.Batch, seed)}, nil
}

// BatchesPerEpoch is the number of mini-batches in an epoch.
func (w *Walk) BatchesPerEpoch() int { return (len(w.order) + w.batch - 1) / w.batch }

// Samples is the number of training samples seen.
func (w *Walk) Samples() int { return w.Epoch*len(w.order) + w.pos }

// Step trains on the next mini-batch; it reports whether it finished an epoch.
func (t *Trainer) Step() bool {
	n := t.Data.Train.Len()
	return t.next(func(b []int) float64 { return t.Net.TrainBatch(t.Data.Train, b, n) })
}

// next trains on the next mini-batch with train, which returns its mean
// loss; it reports whether that finished an epoch.
func (w *Walk) next(train func(batch []int) float64) bool {
	n := len(w.order)
	end := min(w.pos+w.batch, n)
	w.LastLoss = train(w.order[w.pos:end])
	w.EpochLoss += (w.LastLoss - w.EpochLoss) / float64(w.epochN+1)
	w.epochN++
	w.Batches++
	w.pos = end
	if w.pos < n {
		return false
	}
	w.pos = 0
	w.Epoch++
	w.DoneLoss, w.EpochLoss, w.epochN = w.EpochLoss, 0, 0
	w.rng.Shuffle(n, func(i, j int) { w.order[i], w.order[j] = w.order[j], w.order[i] })
	return true
}

// SetLayer replaces layer l's weights (input-major, n_in × n_out) and
// biases, e.g. with a pretrained RBM's.
func (m *MLP) SetLayer(l int, w, b []float64) error {
	if l < 0 || l >= len(m.W) || len(w) != len(m.W[l]) || len(b) != len(m.B[l]) {
		return fmt.Errorf("layer %d: %d weights and %d biases do not fit", l, len(w), len(b))
	}
	copy(m.W[l], w)
	copy(m.B[l], b)
	return nil
}

// LayerStats measures, over images idx of d, each hidden and output
// layer's mean activation and its standard deviation (saturation of
// sigmoid units), and the norm of the cost's gradient with respect to each
// layer's weights, averaged per sample (vanishing gradients), as Glorot and
// Bengio (2010) plotted them. The network is not changed.
func (m *MLP) LayerStats(d Digits, idx []int) (mean, sd, grad []float64) {
	L := len(m.W)
	mean, sd, grad = make([]float64, L), make([]float64, L), make([]float64, L)
	var n float64
	for _, i := range idx {
		m.setImage(d.Image(i))
		m.forward()
		m.backward(int(d.Labels[i]))
		for l := 0; l < L; l++ {
			for _, a := range m.a[l] {
				mean[l] += a
				sd[l] += a * a
			}
		}
		n++
	}
	for l := 0; l < L; l++ {
		k := n * float64(len(m.a[l]))
		mean[l] /= k
		sd[l] = math.Sqrt(math.Max(sd[l]/k-mean[l]*mean[l], 0))
		var s float64
		for _, g := range m.gW[l] {
			s += g * g
		}
		grad[l] = math.Sqrt(s) / n
		clear(m.gW[l])
		clear(m.gB[l])
	}
	return mean, sd, grad
}

// Weights is the number of weights and biases.
func (m *MLP) Weights() int {
	t := 0
	for l := range m.W {
		t += len(m.W[l]) + len(m.B[l])
	}
	return t
}

// Clone is a copy of the network's weights and biases (a fresh momentum),
// for evaluating a snapshot while the original trains on.
func (m *MLP) Clone() *MLP {
	c, _ := NewMLP(m.p, rand.New(rand.NewPCG(0, 0)))
	for l := range m.W {
		copy(c.W[l], m.W[l])
		copy(c.B[l], m.B[l])
	}
	return c
}
