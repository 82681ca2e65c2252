package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/jclub/jclub/internal/gemm"
)

// CNN choices.
const (
	LeNet5 = "lenet5" // 32×32 input (MNIST padded by 2), 6 and 16 maps, 120, 84, 10
	LeNet1 = "lenet1" // 28×28 input, 4 and 12 maps, 10

	MaxPool = "max"
	AvgPool = "average"

	TablePartial = "partial" // LeNet-5's C3 connection table (LeCun et al. 1998, table I)
	TableFull    = "full"
)

// Choices of the CNN.
var (
	Archs          = []string{LeNet5, LeNet1}
	CNNActivations = []string{ReLU, Tanh}
	Pools          = []string{AvgPool, MaxPool}
	Tables         = []string{TablePartial, TableFull}
)

// CNNParams configures a LeNet-like convolutional network and its training
// by mini-batch SGD with momentum on softmax with cross-entropy.
type CNNParams struct {
	Arch       string // LeNet5 or LeNet1
	Activation string // ReLU or Tanh
	Pool       string // MaxPool or AvgPool
	Table      string // C3's connections (LeNet-5): TablePartial or TableFull
	Batch      int    // 1..MaxCNNBatch
	Eta        float64
	Momentum   float64
	// Decay is the number of samples τ over which the learning rate
	// falls to half: η/(1 + t/τ) after t samples (0: η throughout).
	Decay float64
}

// MaxCNNBatch bounds the mini-batch (the first layer's unfolded input of
// a batch of 256 is 40 MB).
const MaxCNNBatch = 256

// Validate names the first bad field, its value and the valid range.
func (p CNNParams) Validate() error {
	switch {
	case !slices.Contains(Archs, p.Arch):
		return fmt.Errorf("arch = %q: must be one of lenet5, lenet1", p.Arch)
	case !slices.Contains(CNNActivations, p.Activation):
		return fmt.Errorf("activation = %q: must be one of relu, tanh", p.Activation)
	case !slices.Contains(Pools, p.Pool):
		return fmt.Errorf("pool = %q: must be one of max, average", p.Pool)
	case !slices.Contains(Tables, p.Table):
		return fmt.Errorf("table = %q: must be one of partial, full", p.Table)
	case p.Batch < 1 || p.Batch > MaxCNNBatch:
		return fmt.Errorf("batch = %d: must be 1..%d", p.Batch, MaxCNNBatch)
	case !(p.Eta > 0 && p.Eta <= 10):
		return fmt.Errorf("eta = %g: must be > 0 and ≤ 10", p.Eta)
	case !(p.Momentum >= 0 && p.Momentum <= 0.99):
		return fmt.Errorf("momentum = %g: must be 0..0.99", p.Momentum)
	case !(p.Decay >= 0 && p.Decay <= 1e9):
		return fmt.Errorf("decay = %g: must be 0 (none) up to 1e9 samples", p.Decay)
	}
	return nil
}

// c3Table is LeNet-5's table I: which of S2's six maps each of C3's
// sixteen reads. The first six read three neighbours, the next six four,
// three read four not all neighbours, and the last reads all six.
var c3Table = [16][]int{
	{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 0}, {5, 0, 1},
	{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2},
	{0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5},
	{0, 1, 2, 3, 4, 5},
}

// param is a weight array with its momentum and gradient.
type param struct{ w, v, g []float64 }

func newParam(n int) param {
	return param{w: make([]float64, n), v: make([]float64, n), g: make([]float64, n)}
}

// conv is a convolution with k×k kernels (valid, stride 1), its
// activation and a 2×2 pooling. Activations of a batch are stored map
// by map, [channel][sample][y][x], so that a layer is one product:
// Z (cout × B·ho·wo) = W (cout × cin·k·k) · cols (cin·k·k × B·ho·wo).
type conv struct {
	cin, cout, k int
	h, w         int // input size
	ho, wo       int // output size, h−k+1
	W, B         param
	mask         []float64 // 1 where a weight exists (C3's table), nil for all
	// of the current batch
	cols, z, a, p []float64
	arg           []int32 // max pooling: the window's winner, per pooled unit
	dz, dcols     []float64
	dp            []float64 // the gradient at the pooled output
	how           how
}

// dense is a fully connected layer: Z (B × out) = X (B × in) · Wᵀ + b.
type dense struct {
	in, out int
	W, B    param
	z, a    []float64
	dz, dx  []float64
}

// CNN is a LeNet-like network (LeCun, Bottou, Bengio and Haffner 1998):
// two stages of convolution and pooling, then fully connected layers to
// ten softmax outputs.
type CNN struct {
	p     CNNParams
	pad   int // zero border around a 28×28 digit: 2 for LeNet-5's 32×32
	convs [2]*conv
	fcs   []*dense
	nb    int       // the batch size the buffers hold
	x     []float64 // the batch's input, [sample][y][x]
	flat  []float64 // S4 as rows of samples, B × (maps·y·x)
	dflat []float64
	seen  int  // samples trained on
	twin  *CNN // a copy with its own buffers, for the second core
	// norm is the number of samples the loss is the mean over (the whole
	// batch, of which this net may do half)
	norm int
	how  how
}

// how is how a net's products and loops run.
type how struct {
	serial bool // on the calling goroutine alone (its net shares the cores itself)
	exact  bool // products in float64, not float32 (gemm.F32): for gradient checks
}

// mul is gemm's product, F32 unless exact, serial or on every core.
func (h how) mul(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := gemm.F32
	if h.exact {
		p = gemm.F64
	}
	if h.serial {
		p.DgemmSerial(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	p.Dgemm(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// split is gemm.Split, or f over all of [0, n) for a serial net.
func (h how) split(n, cost int, f func(i0, i1 int)) {
	if h.serial {
		f(0, n)
		return
	}
	gemm.Split(n, cost, f)
}

// setHow sets how the net's products and loops run.
func (n *CNN) setHow(h how) {
	n.how = h
	for _, c := range n.convs {
		c.how = h
	}
}

// setSerial makes the net's products and loops run on the calling goroutine.
func (n *CNN) setSerial(on bool) { n.setHow(how{serial: on, exact: n.how.exact}) }

// setExact makes the net's products float64 (on) or float32.
func (n *CNN) setExact(on bool) { n.setHow(how{serial: n.how.serial, exact: on}) }

// NewCNN initialises a network from rng: weights N(0, g/fan_in) with g 2
// for ReLU (He et al. 2015) and 1 for tanh (LeCun's), biases 0.
func NewCNN(p CNNParams, rng *rand.Rand) (*CNN, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := &CNN{p: p}
	gain := 1.0
	if p.Activation == ReLU {
		gain = 2
	}
	size := 28
	maps, fc := [2]int{4, 12}, []int{10}
	if p.Arch == LeNet5 {
		n.pad, size = 2, 32
		maps, fc = [2]int{6, 16}, []int{120, 84, 10}
	}
	cin := 1
	for s := range n.convs {
		c := &conv{cin: cin, cout: maps[s], k: 5, h: size, w: size}
		c.ho, c.wo = size-4, size-4
		K := cin * 25
		c.W, c.B = newParam(c.cout*K), newParam(c.cout)
		if s == 1 && p.Arch == LeNet5 && p.Table == TablePartial {
			c.mask = make([]float64, c.cout*K)
			for o, ins := range c3Table {
				for _, i := range ins {
					for t := range 25 {
						c.mask[o*K+i*25+t] = 1
					}
				}
			}
		}
		for o := 0; o < c.cout; o++ {
			fan := K
			if c.mask != nil {
				fan = 25 * len(c3Table[o])
			}
			sd := math.Sqrt(gain / float64(fan))
			for i := range K {
				if c.mask == nil || c.mask[o*K+i] != 0 {
					c.W.w[o*K+i] = sd * rng.NormFloat64()
				}
			}
		}
		n.convs[s] = c
		cin, size = maps[s], c.ho/2
	}
	in := cin * size * size
	for l, out := range fc {
		d := &dense{in: in, out: out, W: newParam(out * in), B: newParam(out)}
		g := gain
		if l == len(fc)-1 {
			g = 1 // the softmax layer
		}
		sd := math.Sqrt(g / float64(in))
		for i := range d.W.w {
			d.W.w[i] = sd * rng.NormFloat64()
		}
		n.fcs = append(n.fcs, d)
		in = out
	}
	return n, nil
}

// Params returns the parameters.
func (n *CNN) Params() CNNParams { return n.p }

// params lists every weight array: C1's weights and biases, C3's, then
// the fully connected layers'.
func (n *CNN) params() []*param {
	var ps []*param
	for _, c := range n.convs {
		ps = append(ps, &c.W, &c.B)
	}
	for _, d := range n.fcs {
		ps = append(ps, &d.W, &d.B)
	}
	return ps
}

// LayerNames names the layers in the order of LayerGradNorms and the
// gradient check: C1, C3, then the fully connected ones (F5, F6, output
// for LeNet-5; output for LeNet-1).
func (n *CNN) LayerNames() []string {
	if n.p.Arch == LeNet1 {
		return []string{"C1", "C3", "out"}
	}
	return []string{"C1", "C3", "F5", "F6", "out"}
}

// Weights is the number of free parameters, C3's missing connections left out.
func (n *CNN) Weights() int {
	t := 0
	for _, c := range n.convs {
		t += c.cout
		if c.mask == nil {
			t += len(c.W.w)
		} else {
			for _, m := range c.mask {
				t += int(m)
			}
		}
	}
	for _, d := range n.fcs {
		t += len(d.W.w) + len(d.B.w)
	}
	return t
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// buffers sizes the batch's matrices for B samples.
func (n *CNN) buffers(B int) {
	if n.nb == B {
		return
	}
	n.nb = B
	n.x = grow(n.x, B*n.convs[0].h*n.convs[0].w)
	for _, c := range n.convs {
		N := B * c.ho * c.wo
		c.cols = grow(c.cols, c.cin*c.k*c.k*N)
		c.z, c.a = grow(c.z, c.cout*N), grow(c.a, c.cout*N)
		np := c.cout * B * (c.ho / 2) * (c.wo / 2)
		c.p = grow(c.p, np)
		if cap(c.arg) < np {
			c.arg = make([]int32, np)
		}
		c.arg = c.arg[:np]
	}
	n.flat = grow(n.flat, B*n.fcs[0].in)
	for _, d := range n.fcs {
		d.z, d.a = grow(d.z, B*d.out), grow(d.a, B*d.out)
	}
}

// gradBuffers sizes the backward pass's matrices for the loaded batch (a
// net that only classifies never has them).
func (n *CNN) gradBuffers() {
	B := n.nb
	for _, c := range n.convs {
		N := B * c.ho * c.wo
		c.dz = grow(c.dz, c.cout*N)
		c.dp = grow(c.dp, c.cout*B*(c.ho/2)*(c.wo/2))
		if c.cin > 1 {
			c.dcols = grow(c.dcols, c.cin*c.k*c.k*N)
		}
	}
	n.dflat = grow(n.dflat, B*n.fcs[0].in)
	for _, d := range n.fcs {
		d.dz, d.dx = grow(d.dz, B*d.out), grow(d.dx, B*d.in)
	}
}

// in is fully connected layer l's input: S4's maps as rows of samples, or
// the layer below's output. (A view taken when used, not kept: a deep copy
// of the net keeps no alias.)
func (n *CNN) in(l int) []float64 {
	if l == 0 {
		return n.flat
	}
	return n.fcs[l-1].a
}

// probs are the softmax outputs of the batch, B × 10.
func (n *CNN) probs() []float64 { return n.fcs[len(n.fcs)-1].a }

// Standardised input: a pixel v of 0..255 enters as (v/255 − mean)/sd,
// with MNIST's training mean and standard deviation, so that the input has
// mean 0 and variance 1 (LeCun et al. 1998 scale theirs to about that).
const pixelMean, pixelSD = 0.1307, 0.3081

var cnnPixel = func() (t [256]float64) {
	for i := range t {
		t[i] = (float64(i)/255 - pixelMean) / pixelSD
	}
	return t
}()

// load puts images (28×28 bytes each, shifted by dx, dy pixels) into the
// input, standardised, within a border of background.
func (n *CNN) load(imgs [][]byte, dx, dy int) {
	n.buffers(len(imgs))
	side := n.convs[0].w
	for i := range n.x {
		n.x[i] = cnnPixel[0]
	}
	for b, img := range imgs {
		dst := n.x[b*side*side:]
		for y := range 28 {
			sy := y - dy
			if sy < 0 || sy >= 28 {
				continue
			}
			for x := range 28 {
				sx := x - dx
				if sx < 0 || sx >= 28 {
					continue
				}
				dst[(y+n.pad)*side+x+n.pad] = cnnPixel[img[sy*28+sx]]
			}
		}
	}
}

// forward runs the loaded batch through the network; the softmax outputs
// are n.probs().
func (n *CNN) forward() {
	B := n.nb
	in := n.x
	for _, c := range n.convs {
		c.forward(in, B, n.p)
		in = c.p
	}
	// S4, [map][sample][y·x], to rows of samples
	last := n.convs[1]
	hw := (last.ho / 2) * (last.wo / 2)
	for ch := 0; ch < last.cout; ch++ {
		for b := 0; b < B; b++ {
			copy(n.flat[b*n.fcs[0].in+ch*hw:][:hw], last.p[(ch*B+b)*hw:][:hw])
		}
	}
	for l, d := range n.fcs {
		n.how.mul(false, true, B, d.out, d.in, 1, n.in(l), d.in, d.W.w, d.in, 0, d.z, d.out)
		for b := 0; b < B; b++ {
			z, a := d.z[b*d.out:][:d.out], d.a[b*d.out:][:d.out]
			for j := range z {
				z[j] += d.B.w[j]
			}
			if l == len(n.fcs)-1 {
				softmax(z, a)
			} else {
				activate(n.p.Activation, z, a)
			}
		}
	}
}

func activate(act string, z, a []float64) {
	if act == Tanh {
		for i, v := range z {
			a[i] = math.Tanh(v)
		}
		return
	}
	for i, v := range z {
		a[i] = max(v, 0)
	}
}

// derive multiplies the gradient g at a by the activation's derivative.
func derive(act string, a, g []float64) {
	if act == Tanh {
		for i, v := range a {
			g[i] *= 1 - v*v
		}
		return
	}
	for i, v := range a {
		if v <= 0 {
			g[i] = 0
		}
	}
}

func (c *conv) forward(x []float64, B int, p CNNParams) {
	K, N := c.cin*c.k*c.k, B*c.ho*c.wo
	c.im2col(x, B)
	c.how.mul(false, false, c.cout, N, K, 1, c.W.w, K, c.cols, N, 0, c.z, N)
	c.how.split(c.cout, c.cout*N*8, func(o0, o1 int) {
		for o := o0; o < o1; o++ {
			z, a := c.z[o*N:][:N], c.a[o*N:][:N]
			b := c.B.w[o]
			for i := range z {
				z[i] += b
			}
			activate(p.Activation, z, a)
		}
	})
	c.pool(B, p.Pool)
}

// im2col unfolds x ([cin][B][h][w]) into cols: row (c, dy, dx), column
// (b, y, x) holds x[c][b][y+dy][x+dx].
func (c *conv) im2col(x []float64, B int) {
	N, hw, ohw := B*c.ho*c.wo, c.h*c.w, c.ho*c.wo
	c.how.split(c.cin*c.k, N*c.k, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			ch, dy := r/c.k, r%c.k
			for dx := 0; dx < c.k; dx++ {
				row := c.cols[((ch*c.k+dy)*c.k+dx)*N:][:N]
				for b := 0; b < B; b++ {
					src := x[(ch*B+b)*hw:][:hw]
					dst := row[b*ohw:][:ohw]
					for y := 0; y < c.ho; y++ {
						copy(dst[y*c.wo:][:c.wo], src[(y+dy)*c.w+dx:][:c.wo])
					}
				}
			}
		}
	})
}

// col2im adds the gradient at cols back onto the input's: dx ([cin][B][h][w]).
func (c *conv) col2im(dx []float64, B int) {
	N, hw, ohw := B*c.ho*c.wo, c.h*c.w, c.ho*c.wo
	clear(dx[:c.cin*B*hw])
	c.how.split(c.cin, N*c.k*c.k, func(c0, c1 int) {
		for ch := c0; ch < c1; ch++ {
			for dy := 0; dy < c.k; dy++ {
				for dxk := 0; dxk < c.k; dxk++ {
					row := c.dcols[((ch*c.k+dy)*c.k+dxk)*N:][:N]
					for b := 0; b < B; b++ {
						dst := dx[(ch*B+b)*hw:][:hw]
						src := row[b*ohw:][:ohw]
						for y := 0; y < c.ho; y++ {
							d := dst[(y+dy)*c.w+dxk:][:c.wo]
							for i, v := range src[y*c.wo:][:c.wo] {
								d[i] += v
							}
						}
					}
				}
			}
		}
	})
}

// pool takes each 2×2 window's maximum or mean of a into p.
func (c *conv) pool(B int, kind string) {
	ph, pw := c.ho/2, c.wo/2
	planes := c.cout * B
	c.how.split(planes, planes*c.ho*c.wo*4, func(q0, q1 int) {
		for q := q0; q < q1; q++ {
			a := c.a[q*c.ho*c.wo:][:c.ho*c.wo]
			p := c.p[q*ph*pw:][:ph*pw]
			arg := c.arg[q*ph*pw:][:ph*pw]
			for y := 0; y < ph; y++ {
				for x := 0; x < pw; x++ {
					i := 2*y*c.wo + 2*x
					w := [4]int{i, i + 1, i + c.wo, i + c.wo + 1}
					if kind == AvgPool {
						p[y*pw+x] = (a[w[0]] + a[w[1]] + a[w[2]] + a[w[3]]) / 4
						continue
					}
					best := w[0]
					for _, j := range w[1:] {
						if a[j] > a[best] {
							best = j
						}
					}
					p[y*pw+x], arg[y*pw+x] = a[best], int32(best)
				}
			}
		}
	})
}

// unpool spreads the gradient at the pooled output back over the windows
// into c.dz, times the activation's derivative.
func (c *conv) unpool(B int, p CNNParams) {
	ph, pw := c.ho/2, c.wo/2
	planes := c.cout * B
	c.how.split(planes, planes*c.ho*c.wo*4, func(q0, q1 int) {
		for q := q0; q < q1; q++ {
			dz := c.dz[q*c.ho*c.wo:][:c.ho*c.wo]
			clear(dz)
			g := c.dp[q*ph*pw:][:ph*pw]
			arg := c.arg[q*ph*pw:][:ph*pw]
			for y := 0; y < ph; y++ {
				for x := 0; x < pw; x++ {
					v := g[y*pw+x]
					if p.Pool == MaxPool {
						dz[arg[y*pw+x]] = v
						continue
					}
					i := 2*y*c.wo + 2*x
					v /= 4
					dz[i], dz[i+1], dz[i+c.wo], dz[i+c.wo+1] = v, v, v, v
				}
			}
			derive(p.Activation, c.a[q*c.ho*c.wo:][:c.ho*c.wo], dz)
		}
	})
}

// backward computes the gradient of the loss for labels ys into every
// layer's g, after forward: the mean over norm samples (the batch, of
// which these may be half), or over these where norm is 0.
func (n *CNN) backward(ys []int) {
	n.gradBuffers()
	B := n.nb
	norm := n.norm
	if norm == 0 {
		norm = B
	}
	out := n.fcs[len(n.fcs)-1]
	copy(out.dz, n.probs())
	for b, y := range ys {
		out.dz[b*10+y] -= 1
	}
	for i := range out.dz {
		out.dz[i] /= float64(norm)
	}
	for l := len(n.fcs) - 1; l >= 0; l-- {
		d := n.fcs[l]
		n.how.mul(true, false, d.out, d.in, B, 1, d.dz, d.out, n.in(l), d.in, 0, d.W.g, d.in)
		clear(d.B.g)
		for b := 0; b < B; b++ {
			for j, v := range d.dz[b*d.out:][:d.out] {
				d.B.g[j] += v
			}
		}
		dx := d.dx
		if l == 0 {
			dx = n.dflat
		}
		n.how.mul(false, false, B, d.in, d.out, 1, d.dz, d.out, d.W.w, d.in, 0, dx, d.in)
		if l > 0 {
			below := n.fcs[l-1]
			copy(below.dz, dx)
			derive(n.p.Activation, below.a, below.dz)
		}
	}
	// rows of samples back to S4's maps
	c := n.convs[1]
	hw := (c.ho / 2) * (c.wo / 2)
	for ch := 0; ch < c.cout; ch++ {
		for b := 0; b < B; b++ {
			copy(c.dp[(ch*B+b)*hw:][:hw], n.dflat[b*n.fcs[0].in+ch*hw:][:hw])
		}
	}
	c.unpool(B, n.p)
	c.grads(B)
	K, N := c.cin*c.k*c.k, B*c.ho*c.wo
	c.how.mul(true, false, K, N, c.cout, 1, c.W.w, K, c.dz, N, 0, c.dcols, N)
	c0 := n.convs[0]
	c.col2im(c0.dp, B)
	c0.unpool(B, n.p)
	c0.grads(B)
}

// grads sets the weights' and biases' gradients from dz: dW = dZ · colsᵀ.
func (c *conv) grads(B int) {
	K, N := c.cin*c.k*c.k, B*c.ho*c.wo
	c.how.mul(false, true, c.cout, K, N, 1, c.dz, N, c.cols, N, 0, c.W.g, K)
	if c.mask != nil {
		for i, m := range c.mask {
			c.W.g[i] *= m
		}
	}
	for o := 0; o < c.cout; o++ {
		var s float64
		for _, v := range c.dz[o*N:][:N] {
			s += v
		}
		c.B.g[o] = s
	}
}

// loss is the batch's mean cross-entropy for labels ys, after forward.
func (n *CNN) loss(ys []int) float64 {
	var s float64
	for b, y := range ys {
		s -= math.Log(max(n.probs()[b*10+y], 1e-300))
	}
	return s / float64(len(ys))
}

// CNNUpdate is what one SGD step did: the batch's mean loss before it,
// the gradient's norm in each layer (weights and biases) and the largest
// change of a first-layer weight.
type CNNUpdate struct {
	Loss      float64
	GradNorm  []float64
	MaxFilter float64
}

// TrainBatch does one step of SGD with momentum on the images of d at
// indices batch: v ← μv − η∇C, w ← w + v, C the batch's mean cross-entropy.
// The batch is done in two halves, the second on a twin of the net, and
// their gradients summed: on two cores at once, on one in turn, with the
// same numbers either way.
func (n *CNN) TrainBatch(d Digits, batch []int) CNNUpdate {
	half := func(net *CNN, part []int) float64 {
		imgs := make([][]byte, len(part))
		ys := make([]int, len(part))
		for k, i := range part {
			imgs[k], ys[k] = d.Image(i), int(d.Labels[i])
		}
		net.norm = len(batch)
		net.load(imgs, 0, 0)
		net.forward()
		net.backward(ys)
		return net.loss(ys) * float64(len(part))
	}
	var u CNNUpdate
	if h := len(batch) / 2; h == 0 {
		u.Loss = half(n, batch) / float64(len(batch))
	} else {
		t := n.syncTwin()
		var other float64
		if gemm.Threads() >= 2 {
			n.setSerial(true)
			t.setSerial(true)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				other = half(t, batch[h:])
			}()
			u.Loss = half(n, batch[:h])
			wg.Wait()
			n.setSerial(false)
		} else {
			u.Loss, other = half(n, batch[:h]), half(t, batch[h:])
		}
		u.Loss = (u.Loss + other) / float64(len(batch))
		tp := t.params()
		for k, p := range n.params() {
			for i, g := range tp[k].g {
				p.g[i] += g
			}
		}
	}
	eta := n.Rate()
	n.seen += len(batch)
	names := len(n.LayerNames())
	u.GradNorm = make([]float64, names)
	for k, p := range n.params() {
		var s float64
		for _, g := range p.g {
			s += g * g
		}
		u.GradNorm[k/2] += s
		for i, g := range p.g {
			p.v[i] = n.p.Momentum*p.v[i] - eta*g
			p.w[i] += p.v[i]
			if k == 0 {
				u.MaxFilter = max(u.MaxFilter, math.Abs(p.v[i]))
			}
		}
	}
	for l := range u.GradNorm {
		u.GradNorm[l] = math.Sqrt(u.GradNorm[l])
	}
	return u
}

// Rate is the learning rate of the next step.
func (n *CNN) Rate() float64 {
	if n.p.Decay == 0 {
		return n.p.Eta
	}
	return n.p.Eta / (1 + float64(n.seen)/n.p.Decay)
}

// evalBatch is how many digits Predict-like calls run through at once.
const evalBatch = 32

// Outputs runs images, each shifted by (dx, dy) pixels (right and down
// positive, zeros shifted in), through the network and returns the ten
// softmax outputs of each, as rows.
func (n *CNN) Outputs(imgs [][]byte, dx, dy int) [][]float64 {
	out := make([][]float64, 0, len(imgs))
	for lo := 0; lo < len(imgs); lo += evalBatch {
		part := imgs[lo:min(lo+evalBatch, len(imgs))]
		n.load(part, dx, dy)
		n.forward()
		for b := range part {
			out = append(out, slices.Clone(n.probs()[b*10:][:10]))
		}
	}
	return out
}

// Predict returns the ten outputs for one image shifted by (dx, dy).
func (n *CNN) Predict(img []byte, dx, dy int) []float64 {
	return n.Outputs([][]byte{img}, dx, dy)[0]
}

// syncTwin returns the net's twin (made on first use) with its weights.
func (n *CNN) syncTwin() *CNN {
	if n.twin == nil {
		n.twin = n.Clone()
	}
	n.twin.setExact(n.how.exact)
	tp := n.twin.params()
	for k, p := range n.params() {
		copy(tp[k].w, p.w)
	}
	return n.twin
}

// Classify returns the predicted digit of every image of d shifted by
// (dx, dy). A set of a few hundred digits or more is split between the
// cores, the second half on a twin of the net.
func (n *CNN) Classify(d Digits, dx, dy int) []int {
	preds := make([]int, d.Len())
	if gemm.Threads() < 2 || d.Len() < 4*evalBatch {
		n.classify(preds, d, dx, dy)
		return preds
	}
	t := n.syncTwin()
	n.setSerial(true)
	t.setSerial(true)
	defer n.setSerial(false)
	half := d.Len() / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.classify(preds[half:], d.Slice(half, d.Len()), dx, dy)
	}()
	n.classify(preds[:half], d.Slice(0, half), dx, dy)
	wg.Wait()
	return preds
}

func (n *CNN) classify(preds []int, d Digits, dx, dy int) {
	imgs := make([][]byte, 0, evalBatch)
	for lo := 0; lo < d.Len(); lo += evalBatch {
		imgs = imgs[:0]
		for i := lo; i < min(lo+evalBatch, d.Len()); i++ {
			imgs = append(imgs, d.Image(i))
		}
		n.load(imgs, dx, dy)
		n.forward()
		for b := range imgs {
			preds[lo+b] = argmax(n.probs()[b*10:][:10])
		}
	}
}

// Accuracy is the fraction of d classified correctly.
func (n *CNN) Accuracy(d Digits) float64 { return accuracyOf(n.Classify(d, 0, 0), d) }

func accuracyOf(preds []int, d Digits) float64 {
	if d.Len() == 0 {
		return math.NaN()
	}
	c := 0
	for i, p := range preds {
		if p == int(d.Labels[i]) {
			c++
		}
	}
	return float64(c) / float64(d.Len())
}

// Maps are a digit's feature maps after the activation, C1's and C3's,
// each map as rows of its pixels, and the outputs.
type Maps struct {
	C1, C3  [][]float64
	Side    [2]int // C1's and C3's side
	Outputs []float64
}

// FeatureMaps runs one image shifted by (dx, dy) and returns its maps.
func (n *CNN) FeatureMaps(img []byte, dx, dy int) Maps {
	n.load([][]byte{img}, dx, dy)
	n.forward()
	var m Maps
	for s, c := range n.convs {
		hw := c.ho * c.wo
		var maps [][]float64
		for o := 0; o < c.cout; o++ {
			maps = append(maps, slices.Clone(c.a[o*hw:][:hw]))
		}
		if s == 0 {
			m.C1 = maps
		} else {
			m.C3 = maps
		}
		m.Side[s] = c.ho
	}
	m.Outputs = slices.Clone(n.probs()[:10])
	return m
}

// Filters are the first layer's kernels, 5×5 each, row by row.
func (n *CNN) Filters() [][]float64 {
	c := n.convs[0]
	var out [][]float64
	for o := 0; o < c.cout; o++ {
		out = append(out, slices.Clone(c.W.w[o*25:][:25]))
	}
	return out
}

// Clone is an independent copy of the network (its weights; momentum
// too), for evaluating a snapshot while the original trains on.
func (n *CNN) Clone() *CNN {
	m := &CNN{p: n.p, pad: n.pad, seen: n.seen}
	cp := func(p param) param {
		return param{w: slices.Clone(p.w), v: slices.Clone(p.v), g: make([]float64, len(p.g))}
	}
	for s, c := range n.convs {
		m.convs[s] = &conv{cin: c.cin, cout: c.cout, k: c.k, h: c.h, w: c.w, ho: c.ho, wo: c.wo,
			W: cp(c.W), B: cp(c.B), mask: c.mask}
	}
	for _, d := range n.fcs {
		m.fcs = append(m.fcs, &dense{in: d.in, out: d.out, W: cp(d.W), B: cp(d.B)})
	}
	m.setExact(n.how.exact)
	return m
}

// LayerCheck is one layer's gradient check: the relative error
// ‖g_bp − g_fd‖/(‖g_bp‖ + ‖g_fd‖) over the parameters checked.
type LayerCheck struct {
	Layer   string
	Checked int // parameters compared (of Total)
	Total   int
	Rel     float64
}

// GradCheck compares backpropagation with central finite differences
// (step h) on a batch of samples random inputs (uniform 0..1) and labels,
// layer by layer, on up to per of each layer's weights and per of its
// biases, drawn from rng. Its products are float64: float32's rounding
// would swamp the differences.
func (n *CNN) GradCheck(rng *rand.Rand, samples, per int, h float64) []LayerCheck {
	defer n.setExact(n.how.exact)
	n.setExact(true)
	B := samples
	n.buffers(B)
	n.norm = 0 // the mean over these samples
	for i := range n.x {
		n.x[i] = rng.Float64()
	}
	x := slices.Clone(n.x)
	ys := make([]int, B)
	for b := range ys {
		ys[b] = rng.IntN(10)
	}
	lossAt := func() float64 {
		copy(n.x, x)
		n.forward()
		return n.loss(ys)
	}
	lossAt()
	n.backward(ys)
	ps := n.params()
	grads := make([][]float64, len(ps))
	for k, p := range ps {
		grads[k] = slices.Clone(p.g)
	}
	names := n.LayerNames()
	out := make([]LayerCheck, len(names))
	diff, nb, nf := make([]float64, len(names)), make([]float64, len(names)), make([]float64, len(names))
	for k, p := range ps {
		l := k / 2
		out[l].Layer = names[l]
		var mask []float64
		if k == 2 {
			mask = n.convs[1].mask
		}
		idx := rng.Perm(len(p.w))
		taken := 0
		for _, i := range idx {
			if taken == per {
				break
			}
			if mask != nil && mask[i] == 0 {
				continue
			}
			taken++
			old := p.w[i]
			p.w[i] = old + h
			lp := lossAt()
			p.w[i] = old - h
			lm := lossAt()
			p.w[i] = old
			num := (lp - lm) / (2 * h)
			g := grads[k][i]
			diff[l] += (g - num) * (g - num)
			nb[l] += g * g
			nf[l] += num * num
		}
		out[l].Checked += taken
		out[l].Total += len(p.w)
		if mask != nil {
			out[l].Total -= len(mask)
			for _, m := range mask {
				out[l].Total += int(m)
			}
		}
	}
	for l := range out {
		out[l].Rel = math.Sqrt(diff[l]) / math.Max(math.Sqrt(nb[l])+math.Sqrt(nf[l]), 1e-300)
	}
	return out
}

// CNNTrainer trains a CNN on MNIST one mini-batch per Step.
type CNNTrainer struct {
	Net  *CNN
	Data *MNIST
	Last CNNUpdate // the last step
	Walk
}

// NewCNNTrainer makes a network from p and seed and its trainer on data;
// the batches come in the order an MLP trainer of the same seed and batch
// size sees them.
func NewCNNTrainer(p CNNParams, data *MNIST, seed uint64) (*CNNTrainer, error) {
	net, err := NewCNN(p, rand.New(rand.NewPCG(seed, 0xc22)))
	if err != nil {
		return nil, err
	}
	return &CNNTrainer{Net: net, Data: data, Walk: newWalk(data.Train.Len(), p.Batch, seed)}, nil
}

// Step trains on the next mini-batch; it reports whether it finished an epoch.
func (t *CNNTrainer) Step() bool {
	return t.next(func(b []int) float64 {
		t.Last = t.Net.TrainBatch(t.Data.Train, b)
		return t.Last.Loss
	})
}

// Shifts are the four directions a digit is moved in: right, left, down, up.
var Shifts = [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// ShiftedAccuracy is net's accuracy on d with every digit moved by s
// pixels: the first quarter of d right, the next left, then down, then up
// (zeros shifted in).
func ShiftedAccuracy(d Digits, s int, net Classifier) float64 {
	var e Eval
	i := e.Add(net, d, s)
	e.Advance(d.Len())
	return e.Accuracy(i)
}

// Shift moves a 28×28 image by (dx, dy) pixels, right and down positive,
// shifting in zeros.
func Shift(img []byte, dx, dy int) []byte {
	out := make([]byte, Pixels)
	for y := range 28 {
		sy := y - dy
		if sy < 0 || sy >= 28 {
			continue
		}
		for x := range 28 {
			if sx := x - dx; sx >= 0 && sx < 28 {
				out[y*28+x] = img[sy*28+sx]
			}
		}
	}
	return out
}

// ClassifyShifted is the MLP's prediction for every image of d moved by
// (dx, dy), a large set split between the cores as CNN.Classify does.
func (m *MLP) ClassifyShifted(d Digits, dx, dy int) []int {
	preds := make([]int, d.Len())
	one := func(net *MLP, lo, hi int) {
		for i := lo; i < hi; i++ {
			preds[i] = net.Classify(Shift(d.Image(i), dx, dy))
		}
	}
	if gemm.Threads() < 2 || d.Len() < 400 {
		one(m, 0, d.Len())
		return preds
	}
	if m.twin == nil {
		m.twin = m.Clone()
	}
	for l := range m.W {
		copy(m.twin.W[l], m.W[l])
		copy(m.twin.B[l], m.B[l])
	}
	half := d.Len() / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		one(m.twin, half, d.Len())
	}()
	one(m, 0, half)
	wg.Wait()
	return preds
}

// DefaultCNN is the topic's LeNet-5: ReLU, average pooling (LeNet-5's
// subsampling, without its trained coefficients), LeNet-5's table, batch
// 32, η 0.03 falling as 1/(1 + t/20,000), μ 0.9. The decay is what gets
// one epoch past 98% on every seed tried: at a constant rate the last
// batches' noise leaves 97.5–98.3%.
var DefaultCNN = CNNParams{Arch: LeNet5, Activation: ReLU, Pool: AvgPool, Table: TablePartial, Batch: 32, Eta: 0.03, Momentum: 0.9, Decay: 20000}

// FilterSmoothness is the mean correlation of horizontally and vertically
// neighbouring weights in C1's kernels: near 0 for the random start, and
// rising as the filters become the smooth strokes and edges they learn.
func (n *CNN) FilterSmoothness() float64 {
	c := n.convs[0]
	var sxy, sxx, syy float64
	for o := 0; o < c.cout; o++ {
		w := c.W.w[o*25:][:25]
		var mean float64
		for _, v := range w {
			mean += v / 25
		}
		for y := range 5 {
			for x := range 5 {
				a := w[y*5+x] - mean
				sxx += a * a
				if x < 4 {
					sxy += a * (w[y*5+x+1] - mean)
				}
				if y < 4 {
					sxy += a * (w[(y+1)*5+x] - mean)
				}
			}
		}
	}
	// 40 neighbour pairs against 25 squares a kernel
	syy = sxx * 40 / 25
	if syy == 0 {
		return 0
	}
	return sxy / syy
}
