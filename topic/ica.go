package topic

import (
	"fmt"

	"github.com/jclub/jclub/models"
)

// ICA experiments.
const (
	ExpMix     = "mix"     // sources mixed and unmixed
	ExpPatches = "patches" // ICA against PCA on image patches
)

// ICA is independent component analysis from infomax to FastICA.
var ICA = &Topic{
	ID:      "ica",
	Unit:    UnitSeminar,
	Title:   "Independent component analysis",
	Summary: "blind separation by infomax (plain and natural gradient, extended) and FastICA, one update at a time; edge filters from image patches",
	Papers: []string{
		"Bell and Sejnowski 1995: an information-maximization approach to blind separation and blind deconvolution",
		"Amari, Cichocki and Yang 1996: a new learning algorithm for blind signal separation (the natural gradient)",
		"Lee, Girolami and Sejnowski 1999: extended infomax for sub- and super-Gaussian sources",
		"Hyvärinen 1999: fast and robust fixed-point algorithms for ICA",
		"Bell and Sejnowski 1997: the independent components of natural scenes are edge filters",
	},
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{ExpMix, ExpPatches},
			Help: "mix: separate mixed sources; patches: ICA against PCA filters of image patches"},
		{Name: "sources", Kind: Int, Default: 2, Min: 2, Max: 10, Step: 1, Modes: modes(ExpMix),
			Help: "independent sources N, mixed into N signals"},
		{Name: "kind", Kind: Choice, Choices: models.SourceKinds, Modes: modes(ExpMix),
			Help: "laplace, speech (noise under a slow envelope): super-Gaussian; uniform, sine, square, sawtooth: sub-Gaussian; gauss; mixed: the non-Gaussian ones in turn"},
		{Name: "algorithm", Kind: Choice, Choices: models.ICAAlgorithms, Default: 1, Modes: modes(ExpMix),
			Help: "infomax: the plain gradient; natural: Amari's natural gradient; extended: extended infomax; fastica: Hyvärinen's fixed point"},
		{Name: "contrast", Kind: Choice, Choices: []string{"logcosh", "kurtosis"}, Modes: modes(ExpMix), If: choiceIn("algorithm", models.ICAFast),
			Help: "FastICA's nonlinearity: g = tanh u (log-cosh) or g = u³ (kurtosis)"},
		{Name: "deflation", Kind: Bool, Modes: modes(ExpMix), If: choiceIn("algorithm", models.ICAFast),
			Help: "FastICA one component after another (Gram–Schmidt), not all at once (symmetric)"},
		{Name: "compare", Kind: Bool, Modes: modes(ExpMix), If: choiceIn("algorithm", models.ICAInfomax, models.ICANatural),
			Help: "run the plain and the natural gradient side by side on the same data and start"},
		{Name: "condition", Kind: Float, Default: 10, Min: 1, Max: 1e4, Modes: modes(ExpMix),
			Help: "condition number of the mixing matrix A"},
		{Name: "samples", Kind: Int, Default: 5000, Min: 100, Max: 1000000, Modes: modes(ExpMix),
			Help: "samples of each source"},
		{Name: "batch", Kind: Int, Default: 100, Min: 1, Max: 10000, Modes: modes(ExpMix), If: choiceIn("algorithm", models.ICAInfomax, models.ICANatural, models.ICAExtended),
			Help: "samples per infomax update"},
		{Name: "rate", Kind: Float, Default: 0.02, Min: 1e-5, Max: 1, Modes: modes(ExpMix), If: choiceIn("algorithm", models.ICAInfomax, models.ICANatural, models.ICAExtended),
			Help: "infomax's step size η"},
		{Name: "patch", Kind: Int, Default: 8, Min: 8, Max: 12, Ladder: []float64{8, 12}, Modes: modes(ExpPatches),
			Help: "patches are 8×8 or 12×12 pixels"},
		{Name: "patches", Kind: Int, Default: 10000, Min: 1000, Max: 200000, Modes: modes(ExpPatches),
			Help: "patches cut from the image"},
		{Name: "image", Kind: Text, File: true, Modes: modes(ExpPatches), Check: checkFile,
			Help: "a PNG or JPEG to cut the patches from (default: a dead-leaves image drawn from the seed)"},
	},
	Steps: 2000,
	Every: 20,
	Natural: func(v Values) bool {
		return v.Choice("experiment") == ExpPatches || v.Choice("algorithm") == models.ICAFast
	},
	Check: func(v Values) error {
		if v.Choice("experiment") == ExpMix && v.Int("batch") > v.Int("samples") && v.Active(v.index("batch")) {
			return fmt.Errorf("batch = %d: must be at most samples (%d)", v.Int("batch"), v.Int("samples"))
		}
		if v.Choice("experiment") == ExpPatches && v.Int("patch") != 8 && v.Int("patch") != 12 {
			return fmt.Errorf("patch = %d: must be 8 or 12", v.Int("patch"))
		}
		return nil
	},
	Columns: func(v Values) []string {
		if v.Choice("experiment") == ExpPatches {
			return []string{"method", "filter", "kurtosis", "locality"}
		}
		cols := []string{"step", "amari", "change"}
		if CompareOn(v) {
			cols = append(cols, "amari_"+CompareAlgorithm(v))
		}
		for i := 1; i <= v.Int("sources"); i++ {
			cols = append(cols, fmt.Sprintf("kurtosis_%d", i))
		}
		return cols
	},
	Run: runICA,
}

// ICAMaxIter bounds a FastICA or patch run that has not converged.
const ICAMaxIter = 1000

// ICAParams converts the values to the run's settings.
func ICAParams(v Values) models.ICAParams {
	return models.ICAParams{Sources: v.Int("sources"), Kind: v.Choice("kind"), Algorithm: v.Choice("algorithm"),
		Contrast: v.Choice("contrast"), Deflation: v.Bool("deflation"), Condition: v.Float("condition"),
		Samples: v.Int("samples"), Batch: min(v.Int("batch"), v.Int("samples")), Rate: v.Float("rate")}
}

// CompareOn reports whether the other gradient runs beside.
func CompareOn(v Values) bool { return v.Active(v.index("compare")) && v.Bool("compare") }

// CompareAlgorithm is the gradient run beside: the plain one beside the
// natural one, and the other way round.
func CompareAlgorithm(v Values) string {
	if v.Choice("algorithm") == models.ICANatural {
		return models.ICAInfomax
	}
	return models.ICANatural
}

// PatchesOf builds the patch experiment (reading --image if given).
func PatchesOf(v Values, seed uint64) (*models.Patches, error) {
	p := models.PatchParams{Size: v.Int("patch"), Patches: v.Int("patches")}
	var img models.Grey
	if f := v.Text("image"); f != "" {
		var err error
		if img, err = models.LoadGrey(f, p.Size); err != nil {
			return nil, err
		}
	}
	return models.NewPatches(p, img, seed)
}

func runICA(v Values, seed uint64, steps, every int, out Out) error {
	if v.Choice("experiment") == ExpPatches {
		ps, err := PatchesOf(v, seed)
		if err != nil {
			return err
		}
		for n := until(steps, ICAMaxIter); ps.Iter < n && !ps.Converged(); {
			ps.Step()
		}
		var means [2][2]float64 // kurtosis and locality, PCA (method 0) and ICA (1)
		filters := [2]struct{ kurt, loc []float64 }{}
		filters[0].kurt, filters[0].loc = ps.FilterStats(ps.PCAFilters())
		filters[1].kurt, filters[1].loc = ps.FilterStats(ps.ICAFilters())
		for method, f := range filters {
			for i := range f.kurt {
				out.Row([]float64{float64(method), float64(i + 1), f.kurt[i], f.loc[i]})
				means[method][0] += f.kurt[i] / float64(len(f.kurt))
				means[method][1] += f.loc[i] / float64(len(f.kurt))
			}
		}
		out.Meta("iterations", float64(ps.Iter))
		out.Meta("gap", ps.Gap)
		out.Meta("pca_kurtosis", means[0][0])
		out.Meta("ica_kurtosis", means[1][0])
		out.Meta("pca_locality", means[0][1])
		out.Meta("ica_locality", means[1][1])
		return nil
	}
	c, err := models.NewICA(ICAParams(v), seed)
	if err != nil {
		return err
	}
	var other *models.ICA
	if CompareOn(v) {
		p := ICAParams(v)
		p.Algorithm = CompareAlgorithm(v)
		if other, err = models.NewICA(p, seed); err != nil {
			return err
		}
	}
	reached := -1.0
	row := func() {
		r := []float64{float64(c.Steps), c.Amari(), c.Change}
		if other != nil {
			r = append(r, other.Amari())
		}
		out.Row(append(r, c.Kurtosis()...))
	}
	row()
	n := until(steps, ICAMaxIter)
	for i := 1; i <= n; i++ {
		c.Step()
		if other != nil {
			other.Step()
		}
		if reached < 0 && c.Amari() < 0.05 {
			reached = float64(c.Steps)
		}
		done := steps < 0 && (c.Converged() || c.Diverged())
		if i%every == 0 || i == n || done {
			row()
		}
		if done {
			break
		}
	}
	out.Meta("steps_to_0.05", reached)
	out.Meta("amari", c.Amari())
	if c.Diverged() {
		out.Meta("diverged", 1)
	}
	return nil
}
