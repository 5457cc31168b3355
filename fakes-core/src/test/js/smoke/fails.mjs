// Exits 3 with a message on stderr: the harness must report both.
console.error(`failing ${process.env.BACKLOT_REASON}`);
process.exit(3);
