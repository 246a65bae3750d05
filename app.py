"""Entry point: page config, shared sidebar, navigation over pages/."""
import streamlit as st
import torch

from dashboard_cache import frozen_start_up

st.set_page_config(page_title="Why did the classifier decide that?", page_icon=":material/search:",
                   layout="wide")
# Under concurrent sessions one torch thread per script run beat two on 2 cores.
torch.set_num_threads(1)

navigation = st.navigation([
    st.Page("pages/image.py", title="Image", icon=":material/image:", default=True),
    st.Page("pages/text.py", title="Text", icon=":material/notes:"),
    st.Page("pages/actmax.py", title="Activation maximisation", icon=":material/tune:"),
    st.Page("pages/projection.py", title="Layer projection", icon=":material/scatter_plot:"),
    st.Page("pages/concepts.py", title="Concepts", icon=":material/category:"),
    st.Page("pages/fragility.py", title="Fragility", icon=":material/broken_image:"),
])
with st.sidebar:
    st.caption("Pick an input, a classifier and a method: the map shows what drove the "
               "prediction. Nothing you upload is stored.")
navigation.run()
frozen_start_up()
