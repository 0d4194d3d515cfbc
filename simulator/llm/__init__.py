"""Language-model backends behind one small protocol (`simulator.llm.base.Backend`)."""
