package gui

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/resources"
)

// config is the configuration the sidebar and the stage cards edit.
type config = pipeline.PipelineConfig

// appEntry is a widget.Entry that lets the window's shortcuts through:
// Fyne hands every shortcut to the focused widget, so without this Ctrl+Enter
// and F5 would do nothing while the cursor is in a field.
type appEntry struct {
	widget.Entry
	keys *shortcuts
}

// newAppEntry returns an entry that passes the window's shortcuts on.
func newAppEntry(keys *shortcuts, multiLine bool) *appEntry {
	e := &appEntry{keys: keys}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs a window shortcut, or lets the entry handle it.
func (e *appEntry) TypedShortcut(s fyne.Shortcut) {
	if e.keys != nil && e.keys.handleShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey runs a window key (F5), or lets the entry handle it.
func (e *appEntry) TypedKey(k *fyne.KeyEvent) {
	if e.keys != nil && e.keys.handleKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// newNote returns a hidden red label for a field's problem.
func newNote() *widget.Label {
	l := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	l.Hide()
	return l
}

// setNote shows msg in a note label, or hides it when msg is empty.
func setNote(l *widget.Label, msg string) {
	if msg == l.Text && l.Visible() == (msg != "") {
		return
	}
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// newHint returns a quiet, wrapping explanation label.
func newHint(text string) *widget.Label {
	return &widget.Label{Text: text, Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
}

// newStatus returns a quiet label for the last action's outcome, hidden
// while empty.
func newStatus() *widget.Label {
	l := newHint("")
	l.Hide()
	return l
}

// showStatus sets a status label; "" hides it.
func showStatus(l *widget.Label, text string) { setNote(l, text) }

// newCard returns a titled card (appCard).
func newCard(title, subtitle string, content fyne.CanvasObject) *appCard {
	return newAppCard(title, subtitle, content)
}

// formRows collects label/field pairs for a two-column form layout. With a
// form, the label of a stage field shows when it overrides the packs.
type formRows struct {
	objs []fyne.CanvasObject
	form *configForm
}

// add appends a row; the label is right-aligned beside the field.
func (r *formRows) add(label string, field fyne.CanvasObject) {
	l := &widget.Label{Text: label, Alignment: fyne.TextAlignTrailing}
	var obj fyne.CanvasObject = l
	if r.form != nil {
		obj = r.form.markable(l, field)
	}
	r.objs = append(r.objs, obj, field)
}

// build returns the rows in a form layout.
func (r *formRows) build() *fyne.Container {
	return container.New(layout.NewFormLayout(), r.objs...)
}

// formField is one widget bound to a field of the configuration.
type formField interface {
	// load shows the state's value, unless the field already shows it.
	load(c *config)
	// path is the field's validation path ("txt2img.steps").
	path() string
	// setProblem shows a validation message ("" for none).
	setProblem(msg string)
}

// resourceField is a field whose choices come from the WebUI.
type resourceField interface {
	setResources(src resourceSource)
}

// resourceSource is what the dropdowns offer: the first ready WebUI's lists
// under the user's mappings (nil view while none is ready), and whether
// every WebUI has been tried and found offline (not merely still
// connecting).
type resourceSource struct {
	view    *resources.View
	offline bool
}

// lists are the source's lists, or nil.
func (s resourceSource) lists() *resources.Lists {
	if s.view == nil {
		return nil
	}
	return s.view.Lists
}

// configForm keeps the widgets of the sidebar and the stage cards in step
// with the State: an edit writes the State; a State change reloads every
// field that shows an older value, re-runs Validate and puts each problem
// next to its field.
type configForm struct {
	st   *app.State
	keys *shortcuts
	// loading is true while fields are set from the State, so that their
	// change handlers don't write the value back.
	loading bool

	groups map[string][]formField
	order  []string
	// active says whether a group is on screen; the problems of a hidden
	// group's fields go to the summary instead.
	active map[string]func(c *config) bool
	hooks  []func(c *config)
	// checked hear the problems after every validation.
	checked []func(problems map[string]string)

	src     resourceSource
	summary *widget.Label

	// parseErrs are the fields whose text does not parse, by path; problems
	// are the last validation's. invalidListeners hear when either changes.
	parseErrs        map[string]string
	problems         map[string]string
	invalidListeners []func()

	// widgets maps each field's widget to its path (rows find their field
	// by it); markers and backs show which stage fields override the packs
	// (card_overrides.go).
	widgets map[fyne.CanvasObject]widgetPath
	markers []*overrideMarker
	backs   []*cardBack
	// tip gives a widget its tooltip (the window's withTooltip).
	tip func(obj fyne.CanvasObject, text string) fyne.CanvasObject
}

func newConfigForm(st *app.State, keys *shortcuts) *configForm {
	f := &configForm{st: st, keys: keys, groups: map[string][]formField{}, active: map[string]func(*config) bool{},
		parseErrs: map[string]string{}, problems: map[string]string{}, widgets: map[fyne.CanvasObject]widgetPath{}}
	f.summary = newNote()
	return f
}

// add registers fields under a group (a card, or a rebuildable part of one).
func (f *configForm) add(group string, fields ...formField) {
	if _, ok := f.groups[group]; !ok {
		f.order = append(f.order, group)
	}
	f.groups[group] = append(f.groups[group], fields...)
	for _, fl := range fields {
		if rf, ok := fl.(resourceField); ok {
			rf.setResources(f.src)
		}
		if w := widgetOf(fl); w != nil {
			f.widgets[w] = widgetPath{path: fl.path(), group: group}
		}
		if cf, ok := fl.(*checkField); ok {
			f.markCheck(cf)
		}
	}
}

// showsWhen says when a group's fields are on screen (by default always).
func (f *configForm) showsWhen(group string, on func(c *config) bool) { f.active[group] = on }

// reset forgets the fields of a group (before a card rebuilds its rows).
func (f *configForm) reset(group string) {
	if _, ok := f.groups[group]; ok {
		f.groups[group] = nil
	}
	f.forgetMarkers(group)
}

// onLoad adds a hook run after every load, for visibility and computed labels.
func (f *configForm) onLoad(fn func(c *config)) { f.hooks = append(f.hooks, fn) }

// onValidated adds a hook that hears every validation's problems by path.
func (f *configForm) onValidated(fn func(problems map[string]string)) {
	f.checked = append(f.checked, fn)
}

// edit changes the State's configuration unless the form is loading.
func (f *configForm) edit(fn func(c *config)) {
	if f.loading {
		return
	}
	f.st.UpdateConfig(fn)
}

// each calls fn for every registered field.
func (f *configForm) each(fn func(formField)) {
	for _, g := range f.order {
		for _, fl := range f.groups[g] {
			fn(fl)
		}
	}
}

// load shows the State's configuration in every field and its problems.
func (f *configForm) load() {
	c := f.st.Config()
	f.loading = true
	f.each(func(fl formField) { fl.load(&c) })
	for _, h := range f.hooks {
		h(&c)
	}
	f.loading = false
	f.validate(&c)
	f.showOverrides()
}

// setResources gives every dropdown the WebUI's lists.
func (f *configForm) setResources(src resourceSource) {
	f.src = src
	f.loading = true
	f.each(func(fl formField) {
		if rf, ok := fl.(resourceField); ok {
			rf.setResources(src)
		}
	})
	f.loading = false
}

// problems returns Validate's problems by path.
func problemsOf(c *config) map[string]string {
	var ve *pipeline.ValidationError
	if err := c.Validate(); errors.As(err, &ve) {
		return ve.Fields()
	}
	return map[string]string{}
}

// validate puts each problem beside its field and lists the rest in the
// summary.
func (f *configForm) validate(c *config) {
	problems := problemsOf(c)
	claimed := map[string]bool{}
	for _, g := range f.order {
		on := f.active[g]
		for _, fl := range f.groups[g] {
			if on != nil && !on(c) {
				fl.setProblem("")
				continue
			}
			claim(fl, problems, claimed)
		}
	}
	var rest []string
	for p, msg := range problems {
		if !claimed[p] {
			rest = append(rest, p+": "+msg)
		}
	}
	sort.Strings(rest)
	setNote(f.summary, strings.Join(rest, "\n"))
	for _, fn := range f.checked {
		fn(problems)
	}
	if !reflect.DeepEqual(problems, f.problems) {
		f.problems = problems
		f.invalidChanged()
	}
}

// setParseErr records whether a field's text parses ("" when it does).
func (f *configForm) setParseErr(path, msg string) {
	if f.parseErrs[path] == msg {
		return
	}
	if msg == "" {
		delete(f.parseErrs, path)
	} else {
		f.parseErrs[path] = msg
	}
	f.invalidChanged()
}

// onInvalid adds a listener called when the set of invalid fields changes.
func (f *configForm) onInvalid(fn func()) { f.invalidListeners = append(f.invalidListeners, fn) }

func (f *configForm) invalidChanged() {
	for _, fn := range f.invalidListeners {
		fn()
	}
}

// invalidReason says which fields must be fixed before jobs can be queued,
// or "" when every field is valid: text that does not parse, then values
// Validate refuses.
func (f *configForm) invalidReason() string {
	bad := map[string]string{}
	for p, msg := range f.problems {
		bad[p] = msg
	}
	for p, msg := range f.parseErrs {
		bad[p] = msg
	}
	if len(bad) == 0 {
		return ""
	}
	paths := sortedKeys(bad)
	if len(paths) == 1 {
		return "Fix " + paths[0] + " first: " + bad[paths[0]]
	}
	return fmt.Sprintf("Fix %d fields first (marked in red): %s", len(paths), joinLimited(paths, 3))
}

// claim shows a field's problems (and its list elements') beside it.
func claim(fl formField, problems map[string]string, claimed map[string]bool) {
	p := fl.path()
	if p == "" {
		return
	}
	msgs := []string{}
	if msg, ok := problems[p]; ok {
		msgs = append(msgs, msg)
		claimed[p] = true
	}
	if el, ok := fl.(elementClaimer); ok && el.claimsElements() {
		for _, q := range sortedKeys(problems) {
			if rest, ok := strings.CutPrefix(q, p+"["); ok {
				msgs = append(msgs, "["+rest+": "+problems[q])
				claimed[q] = true
			}
		}
	}
	fl.setProblem(strings.Join(msgs, "\n"))
}

// elementClaimer is a field that also shows the problems of its list's
// elements ("randomizer.sweeps.steps[2]" under "randomizer.sweeps.steps").
type elementClaimer interface{ claimsElements() bool }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// entryField binds a text entry to a field of type T. Text that does not
// parse shows why and leaves the State alone; text that parses goes to the
// State as it is (Validate, not the entry, says whether it is in range).
type entryField[T any] struct {
	Entry *appEntry
	note  *widget.Label
	form  *configForm
	p     string

	get    func(c *config) T
	set    func(c *config, v T)
	parse  func(string) (T, error)
	format func(T) string

	shown    T
	loaded   bool
	parseErr string
	problem  string
	listOf   bool // shows its elements' problems too
}

// newEntryField returns an entry bound to get/set, checked by parse.
func newEntryField[T any](f *configForm, path string, get func(*config) T, set func(*config, T),
	parse func(string) (T, error), format func(T) string) *entryField[T] {
	fl := &entryField[T]{form: f, p: path, get: get, set: set, parse: parse, format: format, note: newNote()}
	fl.Entry = newAppEntry(f.keys, false)
	fl.Entry.OnChanged = fl.onChanged
	return fl
}

func (fl *entryField[T]) path() string { return fl.p }

func (fl *entryField[T]) claimsElements() bool { return fl.listOf }

// elements makes the field show the problems of its list's elements.
func (fl *entryField[T]) elements() *entryField[T] {
	fl.listOf = true
	return fl
}

func (fl *entryField[T]) load(c *config) {
	v := fl.get(c)
	if fl.loaded && reflect.DeepEqual(v, fl.shown) {
		return
	}
	fl.shown, fl.loaded, fl.parseErr = v, true, ""
	fl.Entry.SetText(fl.format(v))
	fl.showNote()
	fl.form.setParseErr(fl.p, "")
}

func (fl *entryField[T]) onChanged(text string) {
	if fl.form.loading {
		return
	}
	v, err := fl.parse(text)
	if err != nil {
		fl.parseErr = err.Error()
		fl.showNote()
		fl.form.setParseErr(fl.p, fl.parseErr)
		return
	}
	fl.parseErr = ""
	fl.shown, fl.loaded = v, true
	fl.showNote()
	fl.form.setParseErr(fl.p, "")
	fl.form.edit(func(c *config) { fl.set(c, v) })
}

func (fl *entryField[T]) setProblem(msg string) {
	fl.problem = msg
	fl.showNote()
}

func (fl *entryField[T]) showNote() {
	msg := fl.problem
	if fl.parseErr != "" {
		msg = fl.parseErr
	}
	setNote(fl.note, msg)
}

// cell is the entry with its note below.
func (fl *entryField[T]) cell() fyne.CanvasObject { return container.NewVBox(fl.Entry, fl.note) }

// multiLine makes the entry multi-line with rows visible lines.
func (fl *entryField[T]) multiLine(rows int) *entryField[T] {
	fl.Entry.MultiLine = true
	fl.Entry.Wrapping = fyne.TextWrapWord
	fl.Entry.SetMinRowsVisible(rows)
	return fl
}

// short makes a single-line entry for short values (numbers) that does not
// scroll its text. A scrolling entry swallows the mouse wheel, so a column
// full of them could not be scrolled with the wheel over a field.
func (fl *entryField[T]) short() *entryField[T] {
	fl.Entry.Wrapping = fyne.TextWrapOff
	fl.Entry.Scroll = container.ScrollNone
	return fl
}

// placeholder sets the entry's placeholder.
func (fl *entryField[T]) placeholder(s string) *entryField[T] {
	fl.Entry.SetPlaceHolder(s)
	return fl
}

// Parsers and formatters for entry fields.

func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if errors.Is(err, strconv.ErrRange) {
		return 0, errTooLarge(s)
	}
	if err != nil {
		return 0, fmt.Errorf("enter a whole number, such as 20")
	}
	return n, nil
}

func parseInt64(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errTooLarge(s)
	}
	if err != nil {
		return 0, fmt.Errorf("enter a whole number (-1 for random)")
	}
	return n, nil
}

// parseFloat reads a finite number: NaN, infinities and numbers too large
// for a float64 are refused with the reason.
func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errTooLarge(s)
	case err != nil:
		return 0, fmt.Errorf("enter a number, such as 7.5")
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("enter a finite number, such as 7.5 (not %s)", strings.TrimSpace(s))
	}
	return f, nil
}

func errTooLarge(s string) error {
	return fmt.Errorf("%s is too large a number", oneLine(strings.TrimSpace(s), 24))
}

func parseText(s string) (string, error) { return s, nil }

func formatInt(n int) string       { return strconv.Itoa(n) }
func formatInt64(n int64) string   { return strconv.FormatInt(n, 10) }
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
func formatText(s string) string   { return s }

// intField, floatField and textField are the common entry fields; the
// number fields are short (see short).
func (f *configForm) intField(path string, get func(*config) int, set func(*config, int)) *entryField[int] {
	return newEntryField(f, path, get, set, parseInt, formatInt).short()
}

func (f *configForm) floatField(path string, get func(*config) float64, set func(*config, float64)) *entryField[float64] {
	return newEntryField(f, path, get, set, parseFloat, formatFloat).short()
}

func (f *configForm) textField(path string, get func(*config) string, set func(*config, string)) *entryField[string] {
	return newEntryField(f, path, get, set, parseText, formatText)
}

// checkField binds a check to a bool field.
type checkField struct {
	Check *appCheck
	// reset puts a stage field back to the pack's value (nil for others).
	reset fyne.CanvasObject
	note  *widget.Label
	form  *configForm
	p     string
	get   func(*config) bool
	set   func(*config, bool)
}

func (f *configForm) checkField(label, path string, get func(*config) bool, set func(*config, bool)) *checkField {
	fl := &checkField{form: f, p: path, get: get, set: set, note: newNote()}
	fl.Check = newAppCheck(f.keys, label, fl.onChanged)
	return fl
}

func (fl *checkField) path() string { return fl.p }

func (fl *checkField) load(c *config) {
	if v := fl.get(c); v != fl.Check.Checked {
		fl.Check.SetChecked(v)
	}
}

func (fl *checkField) onChanged(on bool) {
	fl.form.edit(func(c *config) { fl.set(c, on) })
}

func (fl *checkField) setProblem(msg string) { setNote(fl.note, msg) }

// cell is the check, with its "back to pack" button, and its note below.
func (fl *checkField) cell() fyne.CanvasObject {
	if fl.reset == nil {
		return container.NewVBox(fl.Check, fl.note)
	}
	return container.NewVBox(container.NewBorder(nil, nil, nil, fl.reset, fl.Check), fl.note)
}

// selectField binds a dropdown to a string field. Its choices are fixed or
// come from the WebUI's lists; a saved value the lists lack (or any value
// while the WebUI is offline) stays selected, and a line says so.
type selectField struct {
	Select *appSelect
	note   *widget.Label // validation problem
	status *widget.Label // why the value is not one of the WebUI's
	form   *configForm
	p      string
	get    func(*config) string
	set    func(*config, string)

	// list gives the WebUI's choices; nil for fixed choices.
	list   func(res *resources.Lists) []string
	static []string
	// special values with their labels ("" → "Same as base model"), shown first.
	special []specialChoice
	// kind is the kind of resource the WebUI's list holds.
	kind resources.Kind

	src    resourceSource
	value  string
	loaded bool
}

// specialChoice is a value with a label of its own.
type specialChoice struct{ value, label string }

// staticSelect returns a dropdown over fixed choices.
func (f *configForm) staticSelect(path string, choices []string, get func(*config) string, set func(*config, string)) *selectField {
	fl := f.newSelect(path, get, set)
	fl.static = choices
	fl.rebuild()
	return fl
}

// resourceSelect returns a dropdown over a WebUI list of a kind of
// resource.
func (f *configForm) resourceSelect(path string, kind resources.Kind, list func(*resources.Lists) []string,
	get func(*config) string, set func(*config, string), special ...specialChoice) *selectField {
	fl := f.newSelect(path, get, set)
	fl.list, fl.kind, fl.special = list, kind, special
	fl.src = f.src
	fl.rebuild()
	return fl
}

func (f *configForm) newSelect(path string, get func(*config) string, set func(*config, string)) *selectField {
	fl := &selectField{form: f, p: path, get: get, set: set, note: newNote()}
	fl.status = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	fl.status.Hide()
	fl.Select = newAppSelect(f.keys, fl.onChanged)
	return fl
}

func (fl *selectField) path() string { return fl.p }

func (fl *selectField) label(v string) string {
	for _, s := range fl.special {
		if s.value == v {
			return s.label
		}
	}
	return v
}

func (fl *selectField) valueOf(label string) string {
	for _, s := range fl.special {
		if s.label == label {
			return s.value
		}
	}
	return label
}

func (fl *selectField) isSpecial(v string) bool {
	return slices.ContainsFunc(fl.special, func(s specialChoice) bool { return s.value == v })
}

// rebuild sets the options for the current value and lists.
func (fl *selectField) rebuild() {
	var choices []string
	for _, s := range fl.special {
		choices = append(choices, s.label)
	}
	switch {
	case fl.list == nil:
		choices = append(choices, fl.static...)
	case fl.src.view != nil:
		choices = append(choices, fl.list(fl.src.view.Lists)...)
	}
	status, imp := "", widget.WarningImportance
	if fl.loaded && !fl.isSpecial(fl.value) && !slices.Contains(choices, fl.value) {
		choices = append(choices, fl.value)
		switch {
		case fl.Select.Disabled() || fl.list == nil:
			// not in use, or a fixed choice: nothing to say
		case fl.src.view == nil && fl.src.offline:
			status = "WebUI offline — showing saved value"
		case fl.src.view == nil:
			// still connecting: the lists come in a moment
		default:
			status, imp = resolutionNote(fl.src.view.Resolve(fl.kind, fl.value))
		}
	}
	fl.Select.Options = choices
	prev := fl.form.loading
	fl.form.loading = true
	if fl.loaded {
		fl.Select.SetSelected(fl.label(fl.value))
	}
	fl.form.loading = prev
	fl.Select.Refresh()
	if status == "" {
		fl.status.Hide()
	} else {
		fl.status.Importance = imp
		fl.status.SetText(status)
		fl.status.Show()
	}
}

// resolutionNote says what a value the WebUI's list lacks becomes there: its
// own name for it (a checkpoint in a subfolder), or that it is missing,
// with the closest names.
func resolutionNote(r resources.Resolution) (string, widget.Importance) {
	if r.OK() {
		return fmt.Sprintf("On this WebUI: %s (by %s)", r.Used, r.How), widget.LowImportance
	}
	msg := fmt.Sprintf("Missing: this WebUI %s — showing the saved value", r.Describe())
	return msg, widget.WarningImportance
}

func (fl *selectField) load(c *config) {
	v := fl.get(c)
	if fl.loaded && v == fl.value {
		return
	}
	fl.value, fl.loaded = v, true
	fl.rebuild()
}

// setActive enables or disables the dropdown (a disabled one does not warn
// about its value).
func (fl *selectField) setActive(on bool) {
	if on == !fl.Select.Disabled() {
		return
	}
	enable(fl.Select, on)
	fl.rebuild()
}

func (fl *selectField) setResources(src resourceSource) {
	if fl.list == nil {
		return
	}
	fl.src = src
	fl.rebuild()
}

func (fl *selectField) onChanged(label string) {
	if fl.form.loading {
		return
	}
	v := fl.valueOf(label)
	fl.value, fl.loaded = v, true
	fl.form.edit(func(c *config) { fl.set(c, v) })
	fl.rebuild()
}

func (fl *selectField) setProblem(msg string) { setNote(fl.note, msg) }

// cell is the dropdown with its status and note below.
func (fl *selectField) cell() fyne.CanvasObject {
	return container.NewVBox(fl.Select, fl.status, fl.note)
}

// problemField shows the problems of a path that has no widget of its own
// (such as "txt2img.enabled": no stage is on).
type problemField struct {
	note *widget.Label
	p    string
}

func newProblemField(path string) *problemField { return &problemField{note: newNote(), p: path} }

func (fl *problemField) path() string          { return fl.p }
func (fl *problemField) load(*config)          {}
func (fl *problemField) setProblem(msg string) { setNote(fl.note, msg) }

// enable enables or disables a widget.
func enable(w fyne.Disableable, on bool) {
	if on && w.Disabled() {
		w.Enable()
	} else if !on && !w.Disabled() {
		w.Disable()
	}
}

// setVisible shows or hides an object.
func setVisible(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

// joinLimited joins up to n names, then "(+k more)".
func joinLimited(names []string, n int) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" (+%d more)", len(names)-n)
}

// minSizeLayout stacks its objects and is at least min big.
type minSizeLayout struct{ min fyne.Size }

func (l *minSizeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *minSizeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := l.min
	for _, o := range objs {
		m = m.Max(fyne.NewSize(o.MinSize().Width, 0))
	}
	return m
}

// confirm asks a yes/no question with named buttons and calls onYes when
// the user agrees. Every destructive action goes through it.
func (mw *MainWindow) confirm(title, message, yes string, onYes func()) {
	msg := &widget.Label{Text: message, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(title, yes, "Cancel", msg, func(ok bool) {
		if ok {
			onYes()
		}
	}, mw.Window)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// askName asks for a name with an entry prefilled with initial and calls
// onName with the trimmed, non-empty answer.
func (mw *MainWindow) askName(title, label, initial, confirmText string, onName func(string)) {
	e := newAppEntry(nil, false)
	e.SetText(initial)
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("enter a name")
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem(label, e)}
	d := dialog.NewForm(title, confirmText, "Cancel", items, func(ok bool) {
		if ok {
			onName(strings.TrimSpace(e.Text))
		}
	}, mw.Window)
	// Enter confirms, like the button, once the name is valid.
	e.OnSubmitted = func(s string) {
		if e.Validator(s) == nil {
			d.Submit()
		}
	}
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	mw.Window.Canvas().Focus(e)
}

// info shows a short message.
func (mw *MainWindow) info(title, message string) {
	msg := &widget.Label{Text: message, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustom(title, "OK", msg, mw.Window)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
}
