package topic

import "github.com/jclub/jclub/models"

// squares are the network sizes the panel steps through: square grids.
var squares = []float64{16, 36, 64, 100, 144, 196, 256, 400, 576, 784, 1024, 1600, 2304, 3136, 4096}

func capacityOn(v Values) bool  { return v.Bool("capacity") }
func capacityOff(v Values) bool { return !v.Bool("capacity") }

// Hopfield is the Hopfield network as a content-addressable memory.
var Hopfield = &Topic{
	ID:      "hopfield",
	Unit:    UnitDeep,
	Title:   "Hopfield networks",
	Summary: "Hebbian memories recalled one spin flip at a time; energy, overlaps, capacity",
	Papers: []string{
		"Hopfield 1982: neural networks and physical systems with emergent collective computational abilities",
		"Amit, Gutfreund and Sompolinsky 1985: storing infinite numbers of patterns in a spin-glass model of neural networks",
		"MacKay 2003: information theory, inference and learning algorithms, chapter 42",
	},
	Params: []Param{
		{Name: "capacity", Experiment: true, Kind: Bool,
			Help: "run the capacity experiment: recall against load p/N for random patterns"},
		{Name: "n", Kind: Int, Default: 256, Min: models.MinNeurons, Max: models.MaxNeurons, Ladder: squares,
			Help: "neurons N, drawn as a square grid"},
		{Name: "patterns", Kind: Int, Default: 3, Min: 1, Max: models.MaxNeurons - 1, Step: 1, If: capacityOff,
			Help: "memories p stored (letters: at most 36)"},
		{Name: "kind", Kind: Choice, Choices: models.PatternKinds, Default: 1,
			Help: "random: independent ±1; letters: pictures (correlated); biased: more +1 than −1 (capacity: biased or random)"},
		{Name: "bias", Kind: Float, Default: 0.5, Min: 0, Max: 0.95, Step: 0.05,
			If:   func(v Values) bool { return v.Choice("kind") == models.Biased },
			Help: "mean activity of biased patterns: P(+1) = (1 + bias)/2"},
		{Name: "rule", Kind: Choice, Choices: models.Rules, If: capacityOff,
			Help: "hebb: J = (1/N)Σξξᵀ; projection: J = Ξ(ΞᵀΞ)⁻¹Ξᵀ, capacity up to N"},
		{Name: "cue", Kind: Choice, Choices: models.Cues, If: capacityOff,
			Help: "flip: a fraction of the target's spins flipped; half: its bottom half blanked"},
		{Name: "flip", Kind: Float, Default: 0.2, Min: 0, Max: 0.5, Step: 0.05,
			If:   func(v Values) bool { return capacityOn(v) || v.Choice("cue") == models.CueFlip },
			Help: "fraction of the cue's spins flipped"},
		{Name: "temp", Kind: Float, Default: 0, Min: 0, Max: 5, Step: 0.05, If: capacityOff, Live: true,
			Help: "temperature T: 0 is Hopfield's rule, above it Glauber (Boltzmann) dynamics; changes apply at once"},
		{Name: "target", Kind: Int, Default: 1, Min: 1, Max: 36, Step: 1, If: capacityOff,
			Help: "which stored memory the cue is made from"},
		{Name: "trials", Kind: Int, Default: 20, Min: 1, Max: 10000, If: capacityOn,
			Help: "jclub run: trials per load of the capacity experiment"},
		{Name: "sweeps", Kind: Int, Default: 50, Min: 1, Max: 1000, If: capacityOn,
			Help: "sweeps before a recall run is stopped"},
	},
	Uses:    func(v Values) (bool, bool) { return true, !capacityOn(v) },
	Natural: capacityOn, // its trials
	Steps:   2000,
	Every:   10,
	Columns: func(v Values) []string {
		if v.Bool("capacity") {
			return []string{"load", "patterns", "trials", "overlap", "overlap_se", "recalled"}
		}
		return []string{"step", "energy", "overlap", "flips"}
	},
	Run: runHopfield,
}

// HopfieldParams converts the topic's values to the network's parameters.
func HopfieldParams(v Values) models.HopfieldParams {
	return models.HopfieldParams{
		N:        v.Int("n"),
		Patterns: v.Int("patterns"),
		Kind:     v.Choice("kind"),
		Bias:     v.Float("bias"),
		Rule:     v.Choice("rule"),
		Cue:      v.Choice("cue"),
		Flip:     v.Float("flip"),
		Temp:     v.Float("temp"),
		Target:   v.Int("target"),
	}
}

// CapacityParams converts the topic's values to the capacity experiment's.
func CapacityParams(v Values) models.CapacityParams {
	p := models.CapacityParams{N: v.Int("n"), Flip: v.Float("flip"), MaxSweeps: v.Int("sweeps")}
	if v.Choice("kind") == models.Biased {
		p.Bias = v.Float("bias")
	}
	return p
}

// runHopfield: steps asynchronous updates of the cued network; with
// --capacity, trials per load of the capacity experiment, or with --steps
// that many sweeps (the screen's steps) of its trials.
func runHopfield(v Values, seed uint64, steps, every int, out Out) error {
	if v.Bool("capacity") {
		c, err := models.NewCapacity(CapacityParams(v), seed)
		if err != nil {
			return err
		}
		if steps < 0 {
			for range v.Int("trials") * len(models.CapacityLoads) {
				c.Trial()
			}
		}
		for range max(steps, 0) {
			c.Step()
		}
		for i, load := range models.CapacityLoads {
			m, se, r := c.Mean(i)
			out.Row([]float64{load, float64(c.P(i)), float64(c.Trials[i]), m, se, r})
		}
		return nil
	}
	h, err := models.NewHopfield(HopfieldParams(v), seed)
	if err != nil {
		return err
	}
	target := v.Int("target") - 1
	row := func() {
		out.Row([]float64{float64(h.Updates), h.E, h.Overlaps()[target], float64(h.Flips)})
	}
	row()
	stepRows(steps, every, h.Step, row)
	return nil
}
