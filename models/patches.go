package models

import (
	"fmt"
	"image"
	_ "image/jpeg" // decoders for --image
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"

	"gonum.org/v1/gonum/mat"
)

// ICA on image patches (Bell and Sejnowski 1997, "The 'independent
// components' of natural scenes are edge filters"): patches of a
// natural-like image, whitened by PCA, unmixed by symmetric FastICA
// (log-cosh); the ICA filters come out localised and oriented, the PCA
// ones global, and the ICA filters' responses are sparser (higher
// kurtosis).

// Grey is a grey-level image, row by row, values in [0, 1].
type Grey struct {
	W, H int
	Pix  []float64
}

// DeadLeaves draws a dead-leaves image (Matheron; Lee, Mumford and Huang
// 2001): discs of random grey and of radius r with density ∝ r⁻³ between
// rmin and rmax, each falling under those already there, until the image
// is covered. Its statistics resemble photographs': scale invariance,
// edges, and a heavy-tailed derivative.
func DeadLeaves(w, h int, r *rand.Rand) Grey {
	g := Grey{W: w, H: h, Pix: make([]float64, w*h)}
	filled := make([]bool, w*h)
	left := w * h
	const rmin, rmax = 1.0, 40.0
	for tries := 0; left > 0 && tries < 200000; tries++ {
		// inverse-CDF sample of the density ∝ r⁻³ on [rmin, rmax]
		u := r.Float64()
		rad := 1 / math.Sqrt(1/(rmin*rmin)-u*(1/(rmin*rmin)-1/(rmax*rmax)))
		cx, cy := r.Float64()*float64(w), r.Float64()*float64(h)
		grey := r.Float64()
		x0, x1 := max(0, int(cx-rad)), min(w-1, int(cx+rad))
		y0, y1 := max(0, int(cy-rad)), min(h-1, int(cy+rad))
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
				if k := y*w + x; !filled[k] && dx*dx+dy*dy <= rad*rad {
					g.Pix[k], filled[k] = grey, true
					left--
				}
			}
		}
	}
	return g
}

// LoadGrey reads a PNG or JPEG file as grey levels. The error names the
// file and what is wrong with it.
func LoadGrey(path string, minSide int) (Grey, error) {
	f, err := os.Open(path)
	if err != nil {
		return Grey{}, err
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return Grey{}, fmt.Errorf("%s: not a PNG or JPEG image (%v)", path, err)
	}
	b := img.Bounds()
	if b.Dx() < minSide || b.Dy() < minSide {
		return Grey{}, fmt.Errorf("%s: a %s of %d×%d pixels; patches need at least %d×%d", path, format, b.Dx(), b.Dy(), minSide, minSide)
	}
	if b.Dx()*b.Dy() > 64<<20 {
		return Grey{}, fmt.Errorf("%s: %d×%d pixels is more than 64 megapixels", path, b.Dx(), b.Dy())
	}
	g := Grey{W: b.Dx(), H: b.Dy(), Pix: make([]float64, b.Dx()*b.Dy())}
	for y := range g.H {
		for x := range g.W {
			r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			g.Pix[y*g.W+x] = (0.299*float64(r) + 0.587*float64(gg) + 0.114*float64(bb)) / 65535
		}
	}
	return g, nil
}

// PatchParams configures the patch experiment.
type PatchParams struct {
	Size    int // patches are Size×Size
	Patches int
}

// Validate names a setting out of range.
func (p PatchParams) Validate() error {
	switch {
	case p.Size != 8 && p.Size != 12:
		return fmt.Errorf("patch = %d: must be 8 or 12", p.Size)
	case p.Patches < 1000 || p.Patches > 200000:
		return fmt.Errorf("patches = %d: must be 1000..200000", p.Patches)
	}
	return nil
}

// Patches holds the patches, their principal components and the ICA run.
type Patches struct {
	p    PatchParams
	Img  Grey
	X    *mat.Dense // a patch a column, its mean removed (dim × P)
	PCA  *mat.Dense // the principal directions, a row each, by falling variance
	Var  []float64  // their variances
	V    *mat.Dense // whitening onto the k kept components
	Z    *mat.Dense // VX
	W    *mat.Dense // FastICA's rotation on Z
	Gap  float64
	Iter int
}

// PatchTol is the 1 − |⟨w⁺, w⟩| at which the patch ICA has converged.
const PatchTol = 1e-4

// NewPatches cuts p.Patches patches at random places of img (a dead-leaves
// image drawn from seed if img is empty) and whitens them.
func NewPatches(p PatchParams, img Grey, seed uint64) (*Patches, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x50415443))
	if img.Pix == nil {
		img = DeadLeaves(256, 256, r)
	}
	if img.W < p.Size || img.H < p.Size {
		return nil, fmt.Errorf("the image (%d×%d) is smaller than a patch (%d×%d)", img.W, img.H, p.Size, p.Size)
	}
	dim := p.Size * p.Size
	X := mat.NewDense(dim, p.Patches, nil)
	for k := range p.Patches {
		x0, y0 := r.IntN(img.W-p.Size+1), r.IntN(img.H-p.Size+1)
		mean := 0.0
		for y := range p.Size {
			for x := range p.Size {
				v := img.Pix[(y0+y)*img.W+x0+x]
				X.Set(y*p.Size+x, k, v)
				mean += v
			}
		}
		mean /= float64(dim)
		for i := range dim {
			X.Set(i, k, X.At(i, k)-mean)
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1/float64(p.Patches), X)
	var e mat.EigenSym
	if !e.Factorize(&cov, true) {
		return nil, fmt.Errorf("the patches' covariance could not be diagonalised")
	}
	vals := e.Values(nil)
	var E mat.Dense
	e.VectorsTo(&E)
	// by falling variance; the DC direction (removed) and any other
	// direction without variance are left out of the whitening
	order := make([]int, dim)
	for i := range order {
		order[i] = dim - 1 - i
	}
	ps := &Patches{p: p, Img: img, X: X, PCA: mat.NewDense(dim, dim, nil), Var: make([]float64, dim)}
	k := 0
	for i, j := range order {
		ps.Var[i] = vals[j]
		for d := range dim {
			ps.PCA.Set(i, d, E.At(d, j))
		}
		if vals[j] > 1e-9*vals[order[0]] {
			k++
		}
	}
	if k < 2 {
		return nil, fmt.Errorf("the image is flat: its patches have %d direction of variance", k)
	}
	ps.V = mat.NewDense(k, dim, nil)
	for i := range k {
		for d := range dim {
			ps.V.Set(i, d, ps.PCA.At(i, d)/math.Sqrt(ps.Var[i]))
		}
	}
	ps.Z = mat.NewDense(k, p.Patches, nil)
	ps.Z.Mul(ps.V, X)
	ps.W = mat.NewDense(k, k, nil)
	for i := range k {
		for j := range k {
			ps.W.Set(i, j, r.NormFloat64())
		}
	}
	symDecorrelate(ps.W)
	ps.Gap = math.Inf(1)
	return ps, nil
}

// Params are the settings.
func (ps *Patches) Params() PatchParams { return ps.p }

// Components is how many whitened components ICA unmixes.
func (ps *Patches) Components() int { r, _ := ps.W.Dims(); return r }

// Step is one symmetric FastICA iteration over every patch.
func (ps *Patches) Step() {
	if ps.Converged() {
		return
	}
	ps.Gap = FastSymmetric(ps.W, ps.Z, "logcosh")
	ps.Iter++
}

// Converged reports that the rotation has settled.
func (ps *Patches) Converged() bool { return ps.Gap < PatchTol }

// ICAFilters are the ICA filters in pixel space, a row each: WV.
func (ps *Patches) ICAFilters() *mat.Dense {
	var F mat.Dense
	F.Mul(ps.W, ps.V)
	return &F
}

// PCAFilters are the first k principal directions.
func (ps *Patches) PCAFilters() *mat.Dense {
	k := ps.Components()
	return mat.DenseCopyOf(ps.PCA.Slice(0, k, 0, ps.p.Size*ps.p.Size))
}

// Locality is the inverse participation ratio Σw⁴/(Σw²)² of a filter:
// 1/d for weight spread evenly over d pixels, 1 for a single pixel.
func Locality(w []float64) float64 {
	var s2, s4 float64
	for _, v := range w {
		s2 += v * v
		s4 += v * v * v * v
	}
	if s2 == 0 {
		return 0
	}
	return s4 / (s2 * s2)
}

// FilterStats is each filter's response kurtosis on the patches and its
// locality.
func (ps *Patches) FilterStats(F *mat.Dense) (kurt, loc []float64) {
	var R mat.Dense
	R.Mul(F, ps.X)
	k, _ := F.Dims()
	for i := range k {
		kurt = append(kurt, ExcessKurtosis(R.RawRowView(i)))
		loc = append(loc, Locality(F.RawRowView(i)))
	}
	return kurt, loc
}
