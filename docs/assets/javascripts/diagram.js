// diagram script
