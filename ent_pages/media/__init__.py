"""Private media: storage, upload cleaning, link signing and serving."""
