package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// TrainVectors does one step of mini-batch gradient descent on the dense
// inputs xs[i] with labels ys[i] for i in batch, n being the training set
// size (for L2), and returns the batch's mean loss before the step.
func (m *MLP) TrainVectors(xs [][]float64, ys []int, batch []int, n int) float64 {
	var loss float64
	for _, i := range batch {
		m.setInput(xs[i])
		m.forward()
		loss += m.loss(ys[i])
		m.backward(ys[i])
	}
	m.update(len(batch), n)
	return loss / float64(len(batch))
}

// Layers runs x through the network and returns every layer's activations,
// the hidden layers first and the output last (the network's own slices:
// copy them to keep them).
func (m *MLP) Layers(x []float64) [][]float64 {
	m.setInput(x)
	m.forward()
	return m.a
}

// The information plane (Shwartz-Ziv and Tishby 2017; Saxe et al. 2018):
// a 12-10-7-5-4-3-2 network learns a binary function of 12 binary inputs,
// and at each epoch every hidden layer T is placed at (I(X;T), I(T;Y)),
// both estimated by binning its activities. Because T is a deterministic
// function of X and X is uniform over its 4096 patterns, I(X;T) is the
// entropy of the binned T; I(T;Y) = H(Y) − H(Y|T).

// PlaneSizes are the layer widths of the paper's network.
var PlaneSizes = []int{12, 10, 7, 5, 4, 3, 2}

// PlaneParams configures the experiment.
type PlaneParams struct {
	Activation string  // Tanh or ReLU
	Bins       int     // bins per unit over the layer's range, 2..1000
	Eta        float64 // learning rate
	Batch      int     // mini-batch size
}

// Validate names the first bad field.
func (p PlaneParams) Validate() error {
	switch {
	case p.Activation != Tanh && p.Activation != ReLU:
		return fmt.Errorf("activation = %q: must be one of tanh, relu", p.Activation)
	case p.Bins < 2 || p.Bins > 1000:
		return fmt.Errorf("bins = %d: must be 2..1000", p.Bins)
	case !(p.Eta > 0 && p.Eta <= 10):
		return fmt.Errorf("eta = %g: must be > 0 and ≤ 10", p.Eta)
	case p.Batch < 1 || p.Batch > 1000:
		return fmt.Errorf("batch = %d: must be 1..1000", p.Batch)
	}
	return nil
}

// planeInputs are the 4096 patterns of 12 bits, as ±1.
var planeInputs = func() [][]float64 {
	xs := make([][]float64, 1<<12)
	for i := range xs {
		xs[i] = make([]float64, 12)
		for b := range 12 {
			xs[i][b] = -1
			if i>>b&1 == 1 {
				xs[i][b] = 1
			}
		}
	}
	return xs
}()

// planeLabels are the task: y = 1[Σ aᵢxᵢ + (Σ bᵢxᵢ)²/4 > θ] with fixed
// random coefficients a, b and θ the median score, so that the classes
// balance (a nonlinear function of the pattern, standing in for the
// paper's spherically symmetric rule, which it does not publish in
// closed form). It is the same for every seed.
var planeLabels = func() []int {
	rng := rand.New(rand.NewPCG(12, 2017))
	a, b := make([]float64, 12), make([]float64, 12)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	ys := make([]int, len(planeInputs))
	// the threshold at the median of the score, so that the classes balance
	scores := make([]float64, len(planeInputs))
	for k, x := range planeInputs {
		var s, q float64
		for i, v := range x {
			s += a[i] * v
			q += b[i] * v
		}
		scores[k] = s + q*q/4
	}
	sorted := append([]float64(nil), scores...)
	sort.Float64s(sorted)
	th := sorted[len(sorted)/2]
	for k, s := range scores {
		if s > th {
			ys[k] = 1
		}
	}
	return ys
}()

// Plane trains the network and measures its layers.
type Plane struct {
	p      PlaneParams
	Net    *MLP
	Train  []int // indices of the training patterns (80%)
	Epoch  int
	Loss   float64     // mean loss of the last epoch
	IXT    [][]float64 // per measured epoch, per hidden layer
	ITY    [][]float64
	Epochs []int // the epochs measured
	order  []int
	rng    *rand.Rand
}

// NewPlane initialises the network (Glorot weights; biases 0, or 0.1 for
// ReLU) and
// the 80/20 split from seed, and measures the start.
func NewPlane(p PlaneParams, seed uint64) (*Plane, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x504c414e))
	net, err := NewMLP(MLPParams{Sizes: PlaneSizes, Activation: p.Activation, Output: Softmax, Init: InitGlorot,
		Batch: p.Batch, Eta: p.Eta}, rng)
	if err != nil {
		return nil, err
	}
	if p.Activation == ReLU { // zero biases leave a deep, narrow ReLU net dead from the start
		for l := range net.B {
			for j := range net.B[l] {
				net.B[l][j] = 0.1
			}
		}
	}
	perm := rng.Perm(len(planeInputs))
	pl := &Plane{p: p, Net: net, Train: perm[:len(perm)*4/5], rng: rng}
	pl.order = append([]int(nil), pl.Train...)
	pl.measure()
	return pl, nil
}

// Params returns the parameters.
func (pl *Plane) Params() PlaneParams { return pl.p }

// Step trains one epoch in shuffled mini-batches and measures the layers.
func (pl *Plane) Step() {
	pl.rng.Shuffle(len(pl.order), func(i, j int) { pl.order[i], pl.order[j] = pl.order[j], pl.order[i] })
	loss, n := 0.0, 0
	for i := 0; i < len(pl.order); i += pl.p.Batch {
		b := pl.order[i:min(i+pl.p.Batch, len(pl.order))]
		loss += pl.Net.TrainVectors(planeInputs, planeLabels, b, len(pl.Train)) * float64(len(b))
		n += len(b)
	}
	pl.Loss = loss / float64(n)
	pl.Epoch++
	if PlaneDue(pl.Epoch) {
		pl.measure()
	}
}

// PlaneDue reports whether the layers are measured after epoch e: every
// epoch up to 20, then about 20 times for each e-fold, so that a long run
// keeps an even trajectory on a log axis in bounded memory.
func PlaneDue(e int) bool { return e < 20 || e%max(1, e/20) == 0 }

// Hidden is the number of hidden layers.
func (pl *Plane) Hidden() int { return len(PlaneSizes) - 2 }

// measure bins every hidden layer's activities over all 4096 patterns and
// records (I(X;T), I(T;Y)). Every layer is binned in bins of one width,
// 2/Bins, from its bottom: a tanh layer's range [−1, 1] holds Bins of
// them; a ReLU layer, which has no top, gets as many as its activities
// need (as Saxe et al. 2018 bin: by a fixed bin size).
func (pl *Plane) measure() {
	L := pl.Hidden()
	width := 2 / float64(pl.p.Bins)
	lo := -1.0
	if pl.p.Activation == ReLU {
		lo = 0
	}
	counts := make([]map[string][2]int, L)
	for l := range counts {
		counts[l] = map[string][2]int{}
	}
	key := make([]byte, 0, 32)
	for k, x := range planeInputs {
		a := pl.Net.Layers(x)
		for l := range L {
			key = key[:0]
			for _, v := range a[l] {
				b := max(0, min(65535, int(math.Floor((v-lo)/width))))
				key = append(key, byte(b), byte(b>>8)) // the tuple of bins, exactly
			}
			c := counts[l][string(key)]
			c[planeLabels[k]]++
			counts[l][string(key)] = c
		}
	}
	ixt, ity := make([]float64, L), make([]float64, L)
	for l := range L {
		ixt[l], ity[l] = binnedMI(counts[l], len(planeInputs))
	}
	pl.IXT, pl.ITY = append(pl.IXT, ixt), append(pl.ITY, ity)
	pl.Epochs = append(pl.Epochs, pl.Epoch)
}

// binnedMI is (H(T), I(T;Y)) from the label counts of each value of T over
// n equally likely patterns.
func binnedMI(count map[string][2]int, n int) (ixt, ity float64) {
	var ny [2]float64
	for _, c := range count {
		ny[0], ny[1] = ny[0]+float64(c[0]), ny[1]+float64(c[1])
	}
	N := float64(n)
	hyt := 0.0
	for _, c := range count {
		m := float64(c[0] + c[1])
		p := m / N
		ixt -= p * math.Log2(p)
		hyt += p * Entropy([]float64{float64(c[0]) / m, float64(c[1]) / m})
	}
	return ixt, Entropy([]float64{ny[0] / N, ny[1] / N}) - hyt
}

// Accuracy is the share of the held-out 20% classified right.
func (pl *Plane) Accuracy() float64 {
	inTrain := make([]bool, len(planeInputs))
	for _, i := range pl.Train {
		inTrain[i] = true
	}
	right, n := 0, 0
	for k, x := range planeInputs {
		if inTrain[k] {
			continue
		}
		out := pl.Net.Layers(x)
		o := out[len(out)-1]
		if (o[1] > o[0]) == (planeLabels[k] == 1) {
			right++
		}
		n++
	}
	return float64(right) / float64(n)
}

// LabelEntropy is H(Y) of the task (the most I(T;Y) can be).
func LabelEntropy() float64 {
	n1 := 0
	for _, y := range planeLabels {
		n1 += y
	}
	return H2(float64(n1) / float64(len(planeLabels)))
}
