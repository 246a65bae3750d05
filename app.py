"""Entry point: page config, shared sidebar, navigation over the pages declared in pages/."""
import streamlit as st
import torch

from components.page_help import FAVICON, FULL_TAGS_CSS  # FAVICON: a local file, not a font host's
from navigation import navigation
from startup import freeze_start_up_objects

st.set_page_config(page_title="Why did the classifier decide that?", page_icon=str(FAVICON),
                   layout="wide")
# Under concurrent sessions one torch thread per script run beat two on 2 cores.
torch.set_num_threads(1)

pages = navigation()
st.html(FULL_TAGS_CSS)  # selected items of multiselects shown in full
with st.sidebar:
    st.caption("Pick an input, a classifier and a method: the map shows what drove the "
               "prediction. Nothing you upload is stored.")
pages.run()
freeze_start_up_objects()
