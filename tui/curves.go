package tui

import (
	"fmt"
	"math"
	"time"

	"github.com/jclub/jclub/models"
)

// curves are a net's learning curves on MNIST: the accuracy on fixed
// 1,000-digit subsets at checkpoints, on the whole validation and test
// sets at each epoch's end, and the running mean of the training loss.
type curves struct {
	valAcc, testAcc             trace
	epochX, epochVal, epochTest []float64
	loss                        trace
	lossEMA                     float64 // NaN before the first batch
}

func newCurves() curves { return curves{lossEMA: math.NaN()} }

// addLoss takes a batch's loss into the running mean, and into the curve
// every 25 batches.
func (c *curves) addLoss(batches int, samples, loss float64) {
	if math.IsNaN(c.lossEMA) {
		c.lossEMA = loss
	} else {
		c.lossEMA = 0.98*c.lossEMA + 0.02*loss
	}
	if batches%25 == 0 {
		c.loss.add(samples, c.lossEMA)
	}
}

// accuracyChart is the accuracy against samples seen, the x axis to xmax.
func (c *curves) accuracyChart(d *drawer, xmax float64) box {
	S := d.S()
	full := "  lines: 1,000-digit subsets; ◆● whole sets at each epoch's end"
	if len(c.epochX) > 0 {
		full = fmt.Sprintf("  epoch %d (whole sets ◆●): val %.4f, test %.4f", len(c.epochX), last(c.epochVal), last(c.epochTest))
	}
	legend := S.Series[1].Render("┅ val "+fixed3(last(c.valAcc.ys))) + "  " + S.Series[0].Render("━ test "+fixed3(last(c.testAcc.ys))) + S.Dim.Render(full)
	return d.chart("accuracy", "accuracy against samples seen", legend, func(p *plot) string {
		if len(c.valAcc.ys) == 0 {
			return "measuring the untrained net on 1,000 validation and 1,000 test digits…"
		}
		p.xName, p.yName = "samples", "accuracy"
		lo := 1.0
		for _, a := range append(append([]float64{}, c.valAcc.ys...), c.testAcc.ys...) {
			lo = math.Min(lo, a)
		}
		lo = math.Max(0, math.Floor(lo*10)/10)
		p.draw([2]float64{0, xmax}, [2]float64{lo, 1},
			series{xs: c.valAcc.xs, ys: c.valAcc.ys, style: S.Series[1], dash: dashed},
			series{xs: c.testAcc.xs, ys: c.testAcc.ys, style: S.Series[0]},
			series{xs: c.epochX, ys: c.epochVal, style: S.Series[1], glyph: '◆'},
			series{xs: c.epochX, ys: c.epochTest, style: S.Series[0], glyph: '●'})
		return ""
	})
}

// lossChart is the running loss against samples seen.
func (c *curves) lossChart(d *drawer, xmax float64) box {
	return d.chart("loss", "training loss (running mean)", d.S().Series[2].Render(fmt.Sprintf("━ loss %s", num(c.lossEMA))), func(p *plot) string {
		p.xName, p.yName = "samples", "loss"
		hi := 0.0
		for _, y := range c.loss.ys {
			hi = math.Max(hi, y)
		}
		if len(c.loss.xs) < 2 || !(hi > 0) {
			return "train a few batches to see the loss"
		}
		p.draw([2]float64{0, xmax}, [2]float64{0, hi * 1.1},
			series{xs: c.loss.xs, ys: c.loss.ys, style: p.c.S.Series[2]})
		return ""
	})
}

// fixed3 is an accuracy to three decimals, or "–" before it is measured.
func fixed3(f float64) string {
	if math.IsNaN(f) {
		return "–"
	}
	return fmt.Sprintf("%.3f", f)
}

// epochStatus is a trainer's place in its epoch, and when the epoch ends
// at the rate measured.
func epochStatus(w *models.Walk, r *rate) string {
	per := w.BatchesPerEpoch()
	done := w.Batches % per
	out := fmt.Sprintf("epoch %d, batch %d/%d", w.Epoch+1, done, per)
	if eta := r.eta(w.Batches - done + per); eta > 0 {
		out += fmt.Sprintf(" · epoch ends in %s", eta.Round(time.Second))
	}
	return out
}
