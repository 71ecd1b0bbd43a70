"""The answering core's own Danish sentences (an Answer's `message`): no answer, an empty or too long
question. The chat adapters' texts (bot/texts.py) take these from here rather than repeating them, so a
question is refused in the same words in the terminal, the JSON API and every chat."""

NO_ANSWER = "Jeg fandt ikke noget i referaterne, der svarer på det."
NO_ANSWER_SUGGEST = "Jeg fandt ikke noget, der svarer præcist. Måske er et af disse punkter relevant:"
EMPTY_QUESTION = "Skriv et spørgsmål om referaterne, fx: hvad blev besluttet om adgangskontrol?"
TOO_LONG = "Dit spørgsmål er for langt. Skriv det gerne kortere, så finder jeg svaret."
