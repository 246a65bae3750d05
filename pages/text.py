"""Text page: a sentence, a classifier, several methods as coloured rows over its tokens,
and the model's attention laid out layer by head."""
import streamlit as st

from components.attention_grid import GRID_MAX_TOKENS, attention_grid, attention_map
from components.attention_lesson import LESSON, permutation_figure
from components.counterfactual_view import edits_html, flip_summary
from components.facts import (choice_label, deletion_fact, deletion_strength_note,
                              evaluations)
from components.pickers import model_picker
from components.predictions import top_k, top_k_figure
from components.tokens import TokenRow, safe_text, token_table_html
from dashboard_cache import (cached_explanation, cached_map_score, cached_model,
                             cached_probabilities, cached_random_score, cached_work)
from explainers import compatible_methods, providing
from explainers.metrics.text_deletion import BEATS_SHARE
from explainers.text.words import merge_words
from inputs.samples import SAMPLE_SENTENCES
from model_zoo.caveats import caveats
from navigation import app_page

app_page("Text", icon=":material/notes:", order=20)

MAX_CHARS = 5000
HF_CHOICE = "Hugging Face model (id or local folder)…"
DEFAULT_METHODS = ("integrated_gradients_text", "occlusion_text", "attention")
FACTS = ("", "", "deletion drop", "completeness gap")  # shown as "name value" under the method

st.header("Why this sentence?")
text = st.text_area("Sentence", SAMPLE_SENTENCES[0], max_chars=MAX_CHARS, key="text_input")
left, right = st.columns(2)
with left:
    model_name = model_picker("text", key="text_model", extra=(HF_CHOICE,))
    if model_name == HF_CHOICE:
        reference = st.text_input("Hugging Face id or local folder", key="text_hf",
                                  placeholder="distilbert-base-uncased-finetuned-sst-2-english")
        if not reference.strip():
            st.info("Type a Hugging Face model id or the path of a saved model folder.")
            st.stop()
        reference = reference.strip()
        model_name = reference if reference.startswith("hf:") else "hf:" + reference
    try:
        model = cached_model(model_name)
    except Exception as err:  # noqa: BLE001  (any loading failure is the user's to read)
        st.error("Could not load this model (no internet here: use a local folder). Details:")
        st.text(str(err)[:500])
        st.stop()
with right:
    methods = {e.name: e.title for e in compatible_methods(model)}
    picked = st.multiselect("Methods", list(methods), format_func=methods.get,
                            default=[m for m in DEFAULT_METHODS if m in methods],
                            key="text_methods")
    merge = st.checkbox("Merge sub-word pieces into words", value=True, key="text_merge")
    k = st.slider("Deletion score: remove the top k tokens", 1, 10, 3, key="text_k")

if not text.strip():
    st.info("Type a sentence to see which words drive the prediction.")
    st.stop()
encoded = model.encode(text)
if all(encoded.special):
    st.info("The model reads no tokens in this text (only spaces or invisible characters).")
    st.stop()
if encoded.truncated:
    st.warning(f"The text is longer than the model reads ({model.max_length} tokens); "
               "only the beginning is explained.")

probs = cached_probabilities(model_name, text)
top_label = model.labels[int(probs.argmax())]
for caveat in caveats(model_name, text, float(probs.max()), top_label):
    st.warning(caveat, icon=":material/warning:")
choices = top_k(probs, model.labels, len(model.labels))
target_col, chart_col = st.columns([1, 1])
with target_col:
    target = st.selectbox("Explain the class", choices, key="text_target",
                          format_func=choice_label)[0]
with chart_col:
    st.plotly_chart(top_k_figure(probs, model.labels, k=min(len(model.labels), 5)),
                    width="stretch", key="text_predictions")
if not picked:
    st.info("Pick one or more methods.")
    st.stop()

rows, columns, outcomes = [], (), []
chance = cached_random_score(model_name, text, target, "text_deletion", k=k)
for name in picked:
    result = cached_explanation(model_name, name, text, target)
    deletion = cached_map_score(model_name, name, text, target, (), "value", result.scores,
                                "text_deletion", signed=result.signed, k=k)
    tokens, special, scores = result.tokens, encoded.special, result.scores
    if merge:
        tokens, special, scores = merge_words(tokens, special, scores)
    keep = [i for i, s in enumerate(special) if not s]
    columns = tuple(tokens[i] for i in keep)
    outcomes.append(chance.verdict(deletion.drop).outcome)
    gap = "" if result.delta is None else f"{result.delta:+.3f}"
    rows.append(TokenRow(methods[name], scores[keep], result.signed,
                         (f"{result.seconds:.2f} s", evaluations(result.model_evals),
                          deletion_fact(deletion.drop, chance.verdict(deletion.drop)), gap)))

st.html(f"<h4>Token scores for “{safe_text(model.labels[target])}”</h4>"
        + token_table_html(columns, rows, FACTS))
st.caption(f"Blue-red rows are signed (red: for the class, blue: against); orange rows are "
           f"magnitudes. Deletion drop: the class probability lost when each row's top {k} "
           "tokens are removed (attention mask 0), against random removals of as many "
           f"tokens ({len(chance.drops)}, {'all of them' if chance.exhaustive else 'seeded'}; "
           f"mean drop {chance.mean_drop:+.3f}): a row beats random when its drop is larger "
           f"than {BEATS_SHARE:.0%} of theirs. Hover a cell for its score.")
if note := deletion_strength_note(chance, outcomes):
    st.info(note, icon=":material/info:")

if st.checkbox("Counterfactual: the fewest word edits that change the class", value=False,
               key="text_counterfactual", help="A beam search over word removals, swaps to "
               "an opposite word and an inserted 'not', at most 3 edits; every candidate "
               "sentence is scored by the model (tens of model calls)."):
    st.subheader("What would flip it?")
    others = [c for c in range(len(model.labels)) if c != int(probs.argmax())]
    flip_to = st.selectbox("Flip to", others, format_func=lambda c: model.labels[c],
                           key="text_counterfactual_to")
    flip = cached_work("counterfactuals:text_counterfactual", model_name, text, flip_to)
    st.html(edits_html(flip.original, flip.counterfactual))
    (st.success if flip.flipped else st.warning)(flip_summary(flip, model.labels))

attention, rollout = providing(model, "attentions"), providing(model, "rollout")
if attention and st.checkbox("Lesson: is attention an explanation?", value=False,
                             key="text_attention_lesson",
                             help="Permutes the last layer's attention 100 times "
                                  "(one batched pass, about a second)."):
    st.subheader("Is attention an explanation?")
    st.caption(LESSON)
    try:
        permutation = cached_work("text_lessons:attention_permutation", model_name, text)
    except ValueError as err:  # no query/key/value attention layer to permute
        st.info(f"This lesson needs a BERT-style attention layer: {err}.")
    else:
        top = model.labels[int(permutation.original.argmax())]
        st.plotly_chart(permutation_figure(permutation, top), width="stretch",
                        key="text_attention_permutation")
        st.markdown(permutation.verdict())
if attention and rollout and st.checkbox("Show the attention layout", value=True,
                                         key="text_show_attention"):
    st.subheader("Attention")
    attn = cached_explanation(model_name, attention.name, text, target).extras["attentions"]
    rolled = cached_explanation(model_name, rollout.name, text, target).extras["rollout"]
    layer_col, head_col = st.columns(2)
    layer = layer_col.selectbox("Layer", range(1, attn.shape[0] + 1), index=attn.shape[0] - 1,
                                key="text_layer")
    head = head_col.selectbox("Head", ["mean of heads", *range(1, attn.shape[1] + 1)],
                              key="text_head")
    averaged = head == "mean of heads"
    matrix = attn[layer - 1].mean(0) if averaged else attn[layer - 1, head - 1]
    title = f"layer {layer}, " + ("mean of heads" if averaged else f"head {head}")
    one, two = st.columns(2)
    one.plotly_chart(attention_map(matrix, encoded.tokens, title), width="stretch",
                     key="text_attention_map")
    two.plotly_chart(attention_map(rolled, encoded.tokens, "attention rollout, all layers"),
                     width="stretch", key="text_rollout_map")
    if attn.shape[-1] > GRID_MAX_TOKENS:
        st.caption(f"The grid shows the first {GRID_MAX_TOKENS} tokens; the maps above show all.")
    st.plotly_chart(attention_grid(attn, encoded.tokens), width="stretch",
                    key="text_attention_grid")
