import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useShortcuts } from './useShortcuts.ts';

afterEach(cleanup);

function Harness({ onEnter }: { onEnter: () => void }) {
  useShortcuts({ Enter: onEnter });
  return <><button>Export</button><div data-testid="plain" tabIndex={-1}>timeline</div></>;
}

describe('useShortcuts', () => {
  it('leaves Enter on a focused button to the button', () => {
    const onEnter = vi.fn();
    render(<Harness onEnter={onEnter} />);
    const button = screen.getByText('Export');
    button.focus();
    const notCancelled = fireEvent.keyDown(button, { key: 'Enter' });
    expect(notCancelled).toBe(true);
    expect(onEnter).not.toHaveBeenCalled();
  });

  it('still handles Enter elsewhere', () => {
    const onEnter = vi.fn();
    render(<Harness onEnter={onEnter} />);
    fireEvent.keyDown(screen.getByTestId('plain'), { key: 'Enter' });
    expect(onEnter).toHaveBeenCalledTimes(1);
  });
});
