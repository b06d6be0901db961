/** The renderer's entry: styles, the connection to the service, then the app. */
import 'ag-grid-community/styles/ag-grid.css';
import 'ag-grid-community/styles/ag-theme-balham.css';
import './styles/app.css';
import './styles/insight.css';
import { connect } from './api/client.ts';
import { App, byId } from './app.ts';
import { MessageBar } from './panels/message-bar.ts';

const messages = new MessageBar(byId('message'));
connect((why) => messages.show({ level: 'error', text: why }))
  .then((api) => new App(api, messages).start())
  .catch((error: unknown) => {
    messages.show({ level: 'error', text: error instanceof Error ? error.message : String(error) });
    console.error(error);
  });
