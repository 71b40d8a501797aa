ALTER TYPE status ADD VALUE 'pending_review';
