// DOM test setup. Waits for async UI (findBy*, waitFor) allow 5 s instead of 1 s: the tests still
// fail when the thing never appears, but a busy 2-core CI machine no longer makes them flaky.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5_000 });
