package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/topic"
)

// Screen is one topic's screen inside the app shell.
type Screen interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string     // exactly the size last given to SetSize
	SetSize(w, h int) // never below MinWidth × MinHeight−1
	Topic() *topic.Topic
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Running() bool
	Resume() tea.Cmd // after coming back to the screen: tick again if it was running
	Escape() bool    // esc: drop what the screen has pending; false if nothing was
}

// tickMsg asks a running screen for its next batch of steps. gen ties it to
// one run of one screen, so that ticks from before a pause, a reset or a
// screen switch are dropped.
type tickMsg struct{ gen uint64 }

// Tick period and per-tick compute budget (DESIGN.md §4).
const (
	tickPeriod = 50 * time.Millisecond
	tickBudget = 10 * time.Millisecond
	// chartPeriod is how often a running screen redraws its charts: a line
	// chart costs about a millisecond at 100×30, the field a fraction.
	chartPeriod = 100 * time.Millisecond
)

var speeds = []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}

// runner is a view of one state: it drives the state (ticks, keys) and
// draws it at its own size, with its own side-panel tab, selection and
// scroll. Many runners can draw one state.
type runner struct {
	c      *Common
	st     *state
	d      *drawer
	w, h   int
	gen    uint64
	staged *topic.Values // parameter changes waiting for enter (a run with work in it)
	tab    int           // 0: Parameters, then the unit's tabs, then Share
	scroll int           // first line shown of a text panel
	sel    int           // selected parameter
	msg    string
	out    string
	at     []placed // where the boxes were drawn, for clicks
	// watching marks a follower's view: it shows parameters it cannot change
	watching bool
	// the club's questions: the one selected in the Questions tab, the one
	// set up (its line shown), and what the screen was before it (esc
	// goes back there)
	qsel     int
	question *topic.Question
	saved    *savedView
}

// savedView is a screen as it was before a question was set up.
type savedView struct {
	st       state
	tab, sel int
}

// newRunner makes the state of topic t with values v and a view of it. mk
// makes the unit of each experiment.
func newRunner(c *Common, t *topic.Topic, mk func(exp string) unit, v topic.Values, seed uint64, speed int) *runner {
	r := &runner{c: c, d: newDrawer(c), st: &state{t: t, mk: mk, seed: seed, speed: speed}}
	if err := r.st.apply(v); err != nil {
		// values come validated from the command line; fall back to defaults
		r.msg = err.Error()
		if err := r.st.apply(t.Defaults()); err != nil {
			panic("jclub: the defaults of " + t.ID + " are rejected: " + err.Error())
		}
	}
	return r
}

// view makes another view of the runner's state (a follower's screen).
func (r *runner) view(c *Common) *runner {
	return &runner{c: c, d: newDrawer(c), st: r.st}
}

func (r *runner) Init() tea.Cmd { return nil }

// Resume restarts the ticks of a screen that was running when it was left
// (a fresh generation: a tick still in flight from before is dropped).
func (r *runner) Resume() tea.Cmd {
	if r.st.running {
		return r.setRunning(true)
	}
	return nil
}

func (r *runner) Topic() *topic.Topic { return r.st.t }
func (r *runner) Running() bool       { return r.st.running }
func (r *runner) View() string        { return r.out }

func (r *runner) SetSize(w, h int) {
	r.w, r.h = w, h
	r.render(false)
}

func (r *runner) tick() tea.Cmd {
	gen := r.gen
	return tea.Tick(tickPeriod, func(time.Time) tea.Msg { return tickMsg{gen} })
}

func (r *runner) setRunning(on bool) tea.Cmd {
	r.st.running = on
	r.gen = r.c.nextGen()
	if on {
		return r.tick()
	}
	return nil
}

// advance runs up to n steps within the tick budget, in a slot of the gate.
func (r *runner) advance(n int) {
	if r.c.gate != nil {
		release := r.c.gate()
		defer release()
	}
	if why := r.st.advance(n, tickBudget); why != "" {
		r.gen = r.c.nextGen()
		r.msg = why + ": paused, as jclub run stops here; space goes on"
	}
}

func (r *runner) paramsFocused() bool { return r.tab == 0 }

// questionsFocused reports whether the Questions tab is shown.
func (r *runner) questionsFocused() bool {
	n := r.tabNames()
	return len(r.st.t.Questions) > 0 && r.tab == len(n)-2
}

// showQuestion marks q as set up (the screen already is) and shows its
// tab.
func (r *runner) showQuestion(q *topic.Question) {
	r.question = q
	r.tab = len(r.tabNames()) - 2
	for i := range r.st.t.Questions {
		if &r.st.t.Questions[i] == q {
			r.qsel = i
		}
	}
}

// setUp sets the screen up to answer q, paused at its start; the screen as
// it was before the first question is kept for esc.
func (r *runner) setUp(q *topic.Question) {
	v, err := q.Values(r.st.t)
	if err != nil {
		r.msg = err.Error()
		return
	}
	if r.saved == nil {
		r.saved = &savedView{st: *r.st.clone(), tab: r.tab, sel: r.sel}
	}
	seed := r.st.seed
	r.st.seed = q.Seed
	if err := r.st.apply(v); err != nil {
		r.st.seed = seed
		r.msg = err.Error()
		return
	}
	r.st.running, r.staged = false, nil
	r.gen = r.c.nextGen()
	r.showQuestion(q)
}

func (r *runner) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	live := false
	switch msg := msg.(type) {
	case tickMsg:
		if !r.st.running || msg.gen != r.gen {
			return nil
		}
		r.advance(speeds[r.st.speed])
		live = true
		if r.st.running { // unless the run reached its end
			cmd = r.tick()
		}
	case tea.KeyMsg:
		if m, ok := r.st.u.(modal); ok && m.modal() && !key.Matches(msg, r.c.Keys.Quit) {
			r.st.u.key(msg)
			break
		}
		cmd = r.key(msg)
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress || msg.Button != tea.MouseButtonLeft || !r.click(msg.X, msg.Y-1) {
			return nil
		}
	default:
		return nil
	}
	r.render(live)
	return cmd
}

// click passes a click (body coordinates) to the box under it.
func (r *runner) click(x, y int) bool {
	for _, p := range r.at {
		if p.b.click != nil && p.r.contains(x, y) {
			return p.b.click(x-p.r.x-1, y-p.r.y-1)
		}
	}
	return false
}

func (r *runner) key(msg tea.KeyMsg) tea.Cmd {
	k := r.c.Keys
	st := r.st
	r.msg = ""
	switch {
	case key.Matches(msg, k.Run):
		return r.setRunning(!st.running)
	case key.Matches(msg, k.Step):
		r.advance(1)
	case key.Matches(msg, k.Faster):
		st.speed = min(st.speed+1, len(speeds)-1)
	case key.Matches(msg, k.Slower):
		st.speed = max(st.speed-1, 0)
	case key.Matches(msg, k.Reset):
		r.apply(st.v)
	case key.Matches(msg, k.Seed):
		st.seed = rand.Uint64N(100000) + 1
		r.apply(st.v)
	case key.Matches(msg, k.Tab):
		n := len(r.tabNames())
		if msg.String() == "shift+tab" {
			r.tab = (r.tab + n - 1) % n
		} else {
			r.tab = (r.tab + 1) % n
		}
		r.scroll = 0
	case key.Matches(msg, k.Up):
		switch {
		case r.paramsFocused():
			r.moveSel(-1)
		case r.questionsFocused():
			r.qsel = max(0, r.qsel-1)
		default:
			r.scroll = max(0, r.scroll-1)
		}
	case key.Matches(msg, k.Down):
		switch {
		case r.paramsFocused():
			r.moveSel(1)
		case r.questionsFocused():
			r.qsel = min(len(st.t.Questions)-1, r.qsel+1)
		default:
			r.scroll++ // clamped when drawn
		}
	case r.questionsFocused() && key.Matches(msg, k.Enter) && !r.watching:
		r.setUp(&st.t.Questions[r.qsel])
	case r.staged != nil && key.Matches(msg, k.Enter):
		r.apply(*r.staged)
	case r.paramsFocused() && key.Matches(msg, k.Left):
		r.nudge(-1)
	case r.paramsFocused() && key.Matches(msg, k.Right):
		r.nudge(1)
	default:
		st.u.key(msg)
	}
	return nil
}

// moveSel selects the next parameter that matters in the current mode.
func (r *runner) moveSel(dir int) {
	v := r.shown()
	n := len(v.Params())
	for i := 1; i <= n; i++ {
		j := ((r.sel+dir*i)%n + n) % n
		if v.Active(j) && v.Params()[j].OnPanel() {
			r.sel = j
			return
		}
	}
}

// nudge changes the selected parameter. A live parameter applies at once.
// A simulation parameter restarts the simulation with the new value (the
// old one stays if it is rejected) if nothing has run yet; once a run has
// work in it the change is staged instead, shown beside the parameter, and
// enter applies every staged change (esc drops them): no key throws a run
// away by surprise.
func (r *runner) nudge(dir int) {
	st := r.st
	v := r.shown().Clone()
	before := v.Clone()
	if !v.Nudge(r.sel, dir) {
		p := v.Params()[r.sel]
		r.msg = fmt.Sprintf("%s is at the end of its range (%s)", p.Name, p.Range())
		return
	}
	p := v.Params()[r.sel]
	if st.t.Adjust != nil && !p.Live {
		st.t.Adjust(&v, p.Name, before)
	}
	switch {
	case p.Live:
		st.v.Set(p.Name, v.Format(r.sel))
		if l, ok := st.u.(liver); ok {
			l.live(st.v)
		}
		if r.staged != nil {
			r.staged.Set(p.Name, v.Format(r.sel))
		}
	case st.steps > 0:
		if sameValues(v, st.v) {
			r.staged = nil
			return
		}
		r.staged = &v
	default:
		r.apply(v)
	}
}

// apply restarts the run with v (keeping the old values if v is rejected).
func (r *runner) apply(v topic.Values) {
	if err := r.st.apply(v); err != nil {
		r.msg = err.Error()
		return
	}
	r.staged = nil
}

func sameValues(a, b topic.Values) bool {
	for i := range a.Params() {
		if a.Format(i) != b.Format(i) {
			return false
		}
	}
	return true
}

// Escape drops staged parameter changes; it reports whether there were any
// (if not, esc goes back to the menu).
func (r *runner) Escape() bool {
	if m, ok := r.st.u.(modal); ok && m.modal() { // esc ends the mode first
		r.st.u.key(tea.KeyMsg{Type: tea.KeyEsc})
		r.render(false)
		return true
	}
	if r.staged != nil {
		r.staged = nil
		r.render(false)
		return true
	}
	if r.saved != nil { // back to the screen before the question, paused
		*r.st = r.saved.st
		r.st.running = false
		r.gen = r.c.nextGen()
		r.tab, r.sel = r.saved.tab, r.saved.sel
		r.saved, r.question = nil, nil
		r.render(false)
		return true
	}
	return false
}

// Command returns the command line that reproduces the screen's state.
// Where the run counts its updates in --steps, the step count is part of
// it: jclub run ... --steps N ends where the screen is, and jclub open
// takes the same flags.
func (r *runner) Command() string {
	st := r.st
	args := append([]string{"jclub", "run", st.t.ID}, st.v.Args()...)
	if steps, _ := st.t.UsesSteps(st.v); steps {
		args = append(args, "--steps", fmt.Sprint(st.steps))
	}
	return strings.Join(append(args, "--seed", fmt.Sprint(st.seed)), " ")
}

// Advance takes n steps at once (jclub open --steps N), sharing the
// machine as the ticks do: a slot of the gate for each tickBudget of work.
func (r *runner) Advance(n int) {
	for n > 0 {
		release := func() {}
		if r.c.gate != nil {
			release = r.c.gate()
		}
		start := time.Now()
		for n > 0 && time.Since(start) < tickBudget {
			r.st.u.step()
			r.st.steps++
			n--
		}
		release()
	}
	r.render(false)
}

// render composes the screen once per change; View returns it. live marks
// the frames of a running loop, where charts may skip frames.
func (r *runner) render(live bool) {
	if r.w < MinWidth || r.h < MinHeight-1 {
		r.out = ""
		return
	}
	st := r.st
	state := r.c.S.Dim.Render("❚❚ paused")
	if st.running {
		state = r.c.S.Good.Render("▶ running")
	}
	room := ""
	if r.c.room != nil { // the presenter sees who follows
		room = fmt.Sprintf(" · %d following", r.c.room.Followers())
	}
	head := fmt.Sprintf("%s %s%s · step %d ×%d · seed %d · %s",
		r.c.S.Title.Render(st.t.Title), state, room, st.steps, speeds[st.speed], st.seed, st.u.status())
	if r.msg != "" {
		head = r.c.S.Title.Render(st.t.Title) + "  " + r.c.S.Bad.Render("✗ "+r.msg)
	}
	r.d.v, r.d.live = st.v, live
	if r.d.resets != st.resets {
		clear(r.d.grown)
		r.d.resets = st.resets
	}
	body, at := r.c.place(st.u.layout(r.d), r.w, r.h-1, r.panelView)
	r.out, r.at = fitParts(head, r.w)+"\n"+padLines(body, r.w, r.h-1), at
}

// panelView draws the side panel: the tab strip on its top edge and the
// current tab's content.
func (r *runner) panelView(w, h int) string {
	names := r.tabNames()
	var content string
	switch {
	case r.tab == 0:
		content = r.paramsView(w-2, h-2)
	case r.questionsFocused():
		content = r.questionsView(w-2, h-2)
	case r.tab == len(names)-1:
		content = wrap("Reproduce this screen headless:", w-2) + "\n\n" + r.c.S.Accent.Render(wrap(r.Command(), w-2)) +
			"\n\n" + r.c.S.Dim.Render(wrap("or open it: the same line with open for run. Flags at their defaults are left out.", w-2))
	default:
		content = r.scrolled(r.st.u.panel(r.d, names[r.tab], w-2), h-2)
	}
	title := names[r.tab] + fmt.Sprintf(" (%d/%d, tab)", r.tab+1, len(names))
	return r.c.box(title, content, w, h, (r.tab == 0 || r.questionsFocused()) && !r.watching)
}

// questionsView lists the topic's questions, the selected one marked; the
// question set up, if any, comes first with what to do.
func (r *runner) questionsView(w, h int) string {
	S := r.c.S
	qs := r.st.t.Questions
	var top []string
	if q := r.question; q != nil {
		top = append(top, strings.Split(S.Accent.Render(wrap("▶ "+q.Do, w)), "\n")...)
		back := "esc: back to where you were"
		if r.saved == nil {
			back = "r resets it"
		}
		if h >= 12 { // a small panel keeps its rows for the line and the list
			top = append(top, strings.Split(S.Dim.Render(wrap(back+" · share: "+q.Command(r.st.t), w)), "\n")...)
		}
	}
	sel := &qs[min(r.qsel, len(qs)-1)]
	about := strings.Split(wrap(sel.Text, w), "\n")
	about = append(about, strings.Split(S.Dim.Render(wrap("from "+sel.From+" · enter sets it up", w)), "\n")...)
	// the list gets at least three rows where it has as many questions;
	// the selected one's text what is left
	room := max(min(3, len(qs)), h-len(top)-len(about)-1)
	if keep := h - len(top) - room - 1; len(about) > keep {
		about = about[:max(1, keep)]
	}
	var list []string
	for _, q := range qs {
		line := "  " + q.ID
		if q.ID == sel.ID {
			line = S.Accent.Render("▸ " + q.ID)
		}
		if r.question != nil && q.ID == r.question.ID {
			line += S.Dim.Render(" (set up)")
		}
		list = append(list, fit(line, w))
	}
	if len(list) > room { // keep the selection in view
		first := min(max(0, r.qsel-room/2), len(list)-room)
		list = list[first : first+room]
	}
	return strings.Join(append(top, list...), "\n") + "\n\n" + strings.Join(about, "\n")
}

// scrolled shows h lines of text from the scroll position, marking more below.
func (r *runner) scrolled(text string, h int) string {
	lines := strings.Split(text, "\n")
	if len(lines) <= h || h < 2 {
		r.scroll = 0
		return text
	}
	r.scroll = min(r.scroll, len(lines)-h)
	lines = lines[r.scroll : r.scroll+h]
	if r.scroll+h < len(strings.Split(text, "\n")) {
		lines[h-1] = r.c.S.Dim.Render("↓ more (↑↓ scroll)")
	}
	return strings.Join(lines, "\n")
}

// tabNames lists the side panel's tabs: the parameters, the topic's own,
// and the line that reproduces the screen.
func (r *runner) tabNames() []string {
	names := append([]string{"Parameters"}, r.st.u.tabs()...)
	if len(r.st.t.Questions) > 0 {
		names = append(names, "Questions")
	}
	return append(names, "Share")
}

// shown is the values the parameter panel shows: the staged ones, if any.
func (r *runner) shown() topic.Values {
	if r.staged != nil {
		return *r.staged
	}
	return r.st.v
}

// paramsView lists the parameters that matter in the current mode, the
// selected one marked, with its help and range; staged changes are marked
// with * and the line under them says how to apply or drop them.
func (r *runner) paramsView(w, h int) string {
	var lines []string
	v := r.shown()
	ps := v.Params()
	nameW := 0
	for _, p := range ps {
		nameW = max(nameW, len(p.Name))
	}
	selLine := 0
	for i, p := range ps {
		if !v.Active(i) || !p.OnPanel() {
			continue
		}
		val := v.Format(i)
		if p.Unit != "" {
			val += " " + p.Unit
		}
		mark := " "
		if r.staged != nil && v.Format(i) != r.st.v.Format(i) {
			mark = "*"
		}
		line := fmt.Sprintf("  %-*s  ‹ %s ›%s", nameW, p.Name, val, mark)
		if i == r.sel && !r.watching {
			line = r.c.S.Accent.Render("▸" + line[1:])
			selLine = len(lines)
		}
		lines = append(lines, line)
	}
	p := ps[r.sel]
	help := strings.Split(wrap(p.Help+"; "+p.Range(), w), "\n")
	if r.watching {
		help = strings.Split(wrap("the presenter's parameters: f forks a copy you can change", w), "\n")
	}
	if r.staged != nil {
		help = strings.Split(wrap("* staged: enter restarts the run with them (its work is lost), esc keeps the run", w), "\n")
	}
	// the help takes the rows the list leaves, at least two
	if keep := max(2, h-len(lines)-1); len(help) > keep {
		help = help[:keep]
	}
	// scroll the list so the selection stays in view above the help
	room := max(1, h-len(help)-1)
	first := 0
	if len(lines) > room {
		first = min(max(0, selLine-room/2), len(lines)-room)
		lines = lines[first : first+room]
	}
	for i := range help {
		if r.staged != nil {
			help[i] = r.c.S.Warn.Render(help[i])
		} else {
			help[i] = r.c.S.Dim.Render(help[i])
		}
	}
	return strings.Join(lines, "\n") + "\n\n" + strings.Join(help, "\n")
}

func (r *runner) ShortHelp() []key.Binding {
	k := r.c.Keys
	if m, ok := r.st.u.(modal); ok && m.modal() {
		return append(m.modalKeys(), k.Quit)
	}
	b := []key.Binding{k.Run, k.Step, k.Tab}
	if r.staged != nil {
		b = []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "restart with the * values")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep the run")), k.Run, k.Step}
	}
	if r.paramsFocused() {
		b = append(b, key.NewBinding(key.WithKeys("up", "down", "left", "right"), key.WithHelp("↑↓←→", "parameter")))
	}
	if r.questionsFocused() {
		b = append(b, key.NewBinding(key.WithKeys("up", "down", "enter"), key.WithHelp("↑↓ enter", "set up a question")))
	}
	if r.saved != nil {
		b = append([]key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back from the question"))}, b...)
	}
	b = append(b, k.Help, k.Back, k.Quit, k.Faster, k.Slower, k.Reset)
	return append(b, r.st.u.keys()...)
}

func (r *runner) FullHelp() [][]key.Binding {
	k := r.c.Keys
	groups := [][]key.Binding{
		{k.Run, k.Step, k.Faster, k.Slower, k.Reset, k.Seed},
		append([]key.Binding{k.Tab, k.Up, k.Down, k.Left, k.Right}, r.st.u.keys()...),
		{k.Help, k.Back, k.Jump, k.Quit},
	}
	if m, ok := r.st.u.(modal); ok {
		groups = append(groups, m.modalKeys())
	}
	return groups
}
