ALTER TABLE user_stars RENAME TO user_favorites;
